package dev.switchboard.auth.request;

import jakarta.validation.ConstraintValidatorContext;
import java.util.List;
import java.util.function.Consumer;

/** Per-entry checks of a list field, each failure an error of {@code field[index]}. */
final class Elements {

    private Elements() {
    }

    /**
     * @param check throws {@link IllegalArgumentException} with the reason when an entry is bad
     * @return true when every entry passed (a null list passes: whether it may be null is another constraint)
     */
    static boolean each(List<String> entries, ConstraintValidatorContext context, Consumer<String> check) {
        if (entries == null) {
            return true;
        }
        boolean valid = true;
        for (int i = 0; i < entries.size(); i++) {
            String reason = reason(entries.get(i), check);
            if (reason != null) {
                if (valid) {
                    context.disableDefaultConstraintViolation();
                    valid = false;
                }
                context.buildConstraintViolationWithTemplate(Messages.literal(reason)).addBeanNode().inIterable().atIndex(i)
                        .addConstraintViolation();
            }
        }
        return valid;
    }

    /** Why {@code entry} is bad, or null when it is fine. */
    static String reason(String entry, Consumer<String> check) {
        if (entry == null) {
            return "must be a string";
        }
        try {
            check.accept(entry);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage() == null ? "is not valid" : e.getMessage();
        }
    }
}
