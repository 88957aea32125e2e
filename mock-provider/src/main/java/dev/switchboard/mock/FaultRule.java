package dev.switchboard.mock;

/**
 * A programmatic fault: requests matching {@code apiKey} and {@code model} get {@code fault}.
 * Needed where the caller cannot set the {@code x-mock-fault} header (a relay strips client
 * headers), e.g. "429 on key A only" or "529 for the first 2 requests".
 *
 * @param apiKey the upstream key the request carries; {@code null} matches any key
 * @param model  the exact {@code model} of the request body; {@code null} matches any model
 * @param fault  fault spec, same syntax as the {@code x-mock-fault} header (e.g. {@code status=429;retry-after=30})
 * @param times  how many requests the rule applies to; {@code -1} forever
 */
public record FaultRule(String apiKey, String model, String fault, int times) {

    public FaultRule {
        if (fault == null || fault.isBlank()) {
            throw new IllegalArgumentException("fault must not be empty");
        }
        Fault.parse(fault); // fail at construction, not at the first matching request
        if (times == 0 || times < -1) {
            throw new IllegalArgumentException("times must be -1 (forever) or positive, was " + times);
        }
    }

    /** A rule applying forever. */
    public static FaultRule always(String apiKey, String model, String fault) {
        return new FaultRule(apiKey, model, fault, -1);
    }

    boolean matches(String requestKey, String requestModel) {
        return (apiKey == null || apiKey.equals(requestKey)) && (model == null || model.equals(requestModel));
    }
}
