package dev.switchboard.auth.request;

import dev.switchboard.contracts.auth.GroupSnapshot;
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
import java.util.Map;

/**
 * A model routing map: each key a model pattern, each value a non-empty list of targets (a cluster, pool or model
 * name, or {@code provider:<provider name>}). A bad pattern or empty list is an error of {@code field.<pattern>},
 * a bad target one of {@code field.<pattern>[index]}.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ModelRouting.Check.class)
public @interface ModelRouting {

    String message() default "must map model patterns to non-empty arrays of targets";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Check implements ConstraintValidator<ModelRouting, Map<String, List<String>>> {

        /** A cluster, pool or model name, or {@code provider:<provider name>}. */
        public static void target(String t) {
            if (t.isBlank() || t.length() > 200 || t.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("must be a cluster, pool or model name, or provider:<name>, without spaces");
            }
            if (t.startsWith(GroupSnapshot.PROVIDER_TARGET_PREFIX) && t.length() == GroupSnapshot.PROVIDER_TARGET_PREFIX.length()) {
                throw new IllegalArgumentException("provider: must be followed by a provider name");
            }
        }

        @Override
        public boolean isValid(Map<String, List<String>> routing, ConstraintValidatorContext context) {
            if (routing == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            boolean valid = true;
            for (Map.Entry<String, List<String>> e : routing.entrySet()) {
                String reason = Elements.reason(e.getKey(), ModelPattern::validate);
                if (reason == null && (e.getValue() == null || e.getValue().isEmpty())) {
                    reason = "must be a non-empty array of targets";
                }
                if (reason != null) {
                    context.buildConstraintViolationWithTemplate(Messages.literal(reason)).addPropertyNode(e.getKey())
                            .addConstraintViolation();
                    valid = false;
                    continue;
                }
                List<String> targets = e.getValue();
                for (int i = 0; i < targets.size(); i++) {
                    String bad = Elements.reason(targets.get(i), Check::target);
                    if (bad != null) {
                        context.buildConstraintViolationWithTemplate(Messages.literal(bad)).addPropertyNode(e.getKey())
                                .addBeanNode().inIterable().atIndex(i).addConstraintViolation();
                        valid = false;
                    }
                }
            }
            return valid;
        }
    }
}
