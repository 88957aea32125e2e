package dev.switchboard.catalog.api;

import static java.lang.annotation.ElementType.ANNOTATION_TYPE;
import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import dev.switchboard.contracts.pattern.ModelPattern;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * The catalog's own Bean Validation constraints. Messages never repeat the rejected value (it might be a
 * secret, e.g. credentials in a URL).
 */
public final class Checks {

    /** Longest name, label or upstream name. */
    public static final int MAX_NAME = 200;

    private Checks() {
    }

    /** Names tenants send as {@code model}: no whitespace or control character, no wildcard, bounded length. */
    @Size(max = MAX_NAME, message = "must be at most " + MAX_NAME + " characters")
    @jakarta.validation.constraints.Pattern(regexp = "(?U)[^\\s\\p{Cntrl}*]*", message = "must not contain whitespace or '*'")
    @Constraint(validatedBy = {})
    @Target({FIELD, METHOD, PARAMETER, ANNOTATION_TYPE, TYPE_USE})
    @Retention(RUNTIME)
    @Documented
    public @interface Name {
        String message() default "";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    /**
     * A price in USD per million tokens: 0 &le; value &lt; 10<sup>12</sup> with at most 6 decimals, what the
     * columns' {@code NUMERIC(18, 6)} hold, so PostgreSQL never refuses what passed here.
     */
    @DecimalMin(value = "0", message = "must not be negative")
    @DecimalMax(value = "1000000000000", inclusive = false, message = "must be less than 1000000000000")
    @Digits(integer = 12, fraction = 6, message = "must have at most 6 decimals")
    @Constraint(validatedBy = {})
    @Target({FIELD, METHOD, PARAMETER, ANNOTATION_TYPE, TYPE_USE})
    @Retention(RUNTIME)
    @Documented
    public @interface Price {
        String message() default "";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};
    }

    /** An absolute http(s) URL with a host, without credentials, query or fragment. */
    @Constraint(validatedBy = HttpUrl.Validator.class)
    @Target({FIELD, METHOD, PARAMETER, ANNOTATION_TYPE, TYPE_USE})
    @Retention(RUNTIME)
    @Documented
    public @interface HttpUrl {
        String message() default "must be an absolute http or https URL";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};

        class Validator implements ConstraintValidator<HttpUrl, String> {
            @Override
            public boolean isValid(String value, ConstraintValidatorContext context) {
                String reason = value == null ? null : reason(value);
                return reason == null || fail(context, reason);
            }

            private static String reason(String value) {
                try {
                    URI uri = new URI(value);
                    String scheme = uri.getScheme();
                    if (!uri.isAbsolute() || scheme == null
                            || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                        return "must be an absolute http or https URL";
                    }
                    if (uri.getHost() == null || uri.getHost().isBlank()) {
                        return "must name a host";
                    }
                    if (uri.getUserInfo() != null) {
                        return "must not contain credentials; use a provider key";
                    }
                    if (uri.getQuery() != null || uri.getFragment() != null) {
                        return "must not have a query or fragment";
                    }
                    return null;
                } catch (URISyntaxException e) {
                    return "must be an absolute http or https URL";
                }
            }
        }
    }

    /** Extra upstream headers: visible-ASCII names without ':', string values without line breaks. */
    @Constraint(validatedBy = Headers.Validator.class)
    @Target({FIELD, METHOD, PARAMETER, ANNOTATION_TYPE, TYPE_USE})
    @Retention(RUNTIME)
    @Documented
    public @interface Headers {
        String message() default "invalid header";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};

        class Validator implements ConstraintValidator<Headers, Map<String, String>> {
            @Override
            public boolean isValid(Map<String, String> headers, ConstraintValidatorContext context) {
                if (headers == null) {
                    return true;
                }
                boolean valid = true;
                context.disableDefaultConstraintViolation();
                for (Map.Entry<String, String> e : headers.entrySet()) {
                    String name = e.getKey();
                    if (name.isBlank() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                        context.buildConstraintViolationWithTemplate("header names must be visible ASCII without ':'")
                                .addConstraintViolation();
                        valid = false;
                    } else if (e.getValue() == null) {
                        context.buildConstraintViolationWithTemplate("must be a string").addPropertyNode(name)
                                .addConstraintViolation();
                        valid = false;
                    } else if (e.getValue().chars().anyMatch(c -> c == '\r' || c == '\n')) {
                        context.buildConstraintViolationWithTemplate("must not contain line breaks")
                                .addPropertyNode(name).addConstraintViolation();
                        valid = false;
                    }
                }
                return valid;
            }
        }
    }

    /** A model route pattern as {@link ModelPattern} accepts it. */
    @Constraint(validatedBy = RoutePattern.Validator.class)
    @Target({FIELD, METHOD, PARAMETER, ANNOTATION_TYPE, TYPE_USE})
    @Retention(RUNTIME)
    @Documented
    public @interface RoutePattern {
        String message() default "invalid pattern";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};

        class Validator implements ConstraintValidator<RoutePattern, String> {
            @Override
            public boolean isValid(String value, ConstraintValidatorContext context) {
                if (value == null || value.isBlank()) {
                    return true; // @NotBlank's job
                }
                try {
                    ModelPattern.validate(value);
                    return true;
                } catch (IllegalArgumentException e) {
                    // ModelPattern's reasons describe the syntax, never the value
                    return fail(context, e.getMessage());
                }
            }
        }
    }

    /** A failover rule matches on a status, a body fragment, or both; reported on {@code status}. */
    @Constraint(validatedBy = RuleMatches.Validator.class)
    @Target({TYPE, ANNOTATION_TYPE})
    @Retention(RUNTIME)
    @Documented
    public @interface RuleMatches {
        String message() default "a rule needs a status, a bodyContains, or both";
        Class<?>[] groups() default {};
        Class<? extends Payload>[] payload() default {};

        class Validator implements ConstraintValidator<RuleMatches, Requests.FailoverRuleRequest> {
            @Override
            public boolean isValid(Requests.FailoverRuleRequest rule, ConstraintValidatorContext context) {
                if (rule == null || rule.status() != null || rule.bodyContains() != null) {
                    return true;
                }
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                        .addPropertyNode("status").addConstraintViolation();
                return false;
            }
        }
    }

    /** Replaces the default message; the reason is a fixed text, escaped so it is never interpolated. */
    static boolean fail(ConstraintValidatorContext context, String reason) {
        context.disableDefaultConstraintViolation();
        String escaped = reason.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
        context.buildConstraintViolationWithTemplate(escaped).addConstraintViolation();
        return false;
    }
}
