package dev.switchboard.auth.request;

import dev.switchboard.contracts.net.Cidr;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

/**
 * Every entry is an IPv4 or IPv6 address block as {@link Cidr#parse} reads it; a bad entry is an error of
 * {@code field[index]} with the parser's reason. {@link Check#canonical} is the form the relay reads.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = CidrList.Check.class)
public @interface CidrList {

    String message() default "must be IPv4 or IPv6 address blocks";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Check implements ConstraintValidator<CidrList, List<String>> {

        /** The blocks of a valid list in canonical form ({@link Cidr#toString()}), each once, in the order written. */
        public static List<String> canonical(List<String> blocks) {
            return blocks.stream().map(b -> Cidr.parse(b).toString()).distinct().toList();
        }

        @Override
        public boolean isValid(List<String> blocks, ConstraintValidatorContext context) {
            return Elements.each(blocks, context, b -> Cidr.parse(b));
        }
    }
}
