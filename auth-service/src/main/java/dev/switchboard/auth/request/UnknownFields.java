package dev.switchboard.auth.request;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;

/**
 * A request naming a field its record does not have is refused with one error per such field, in the same answer
 * as the other fields' errors (an operator fixes one request once, not once per problem). The record keeps what
 * Jackson could not place in a {@code @JsonAnySetter} component instead of failing at the first one.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = UnknownFields.Check.class)
public @interface UnknownFields {

    String message() default "unknown field";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** A request record with the members Jackson found no component for. */
    interface Collected {
        Map<String, Object> unknownFields();
    }

    final class Check implements ConstraintValidator<UnknownFields, Collected> {
        @Override
        public boolean isValid(Collected request, ConstraintValidatorContext context) {
            if (request == null || request.unknownFields().isEmpty()) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            for (String name : request.unknownFields().keySet()) {
                context.buildConstraintViolationWithTemplate("unknown field").addPropertyNode(name)
                        .addConstraintViolation();
            }
            return false;
        }
    }
}
