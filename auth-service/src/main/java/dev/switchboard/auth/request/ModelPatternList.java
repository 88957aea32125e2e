package dev.switchboard.auth.request;

import dev.switchboard.contracts.pattern.ModelPattern;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;

/** Every entry is a model pattern the contracts matcher accepts; a bad one is an error of {@code field[index]}. */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ModelPatternList.Check.class)
public @interface ModelPatternList {

    String message() default "must be model patterns";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Check implements ConstraintValidator<ModelPatternList, List<String>> {
        @Override
        public boolean isValid(List<String> patterns, ConstraintValidatorContext context) {
            return Elements.each(patterns, context, ModelPattern::validate);
        }
    }
}
