package dev.switchboard.relay.routing;

import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The failover decisions shared by every request (settings, classifier, same-candidate retry policy,
 * cooldown reads and writes); {@link #open} makes one request's {@link CandidateQueue}. Thread-safe.
 */
public final class FailoverPlanner {

    private final FailoverSettings settings;
    private final FailureClassifier classifier;
    private final SameCandidateRetry retry;
    private final CooldownView view;
    private final CooldownSink sink;

    /** @param random jitter of same-candidate retries (tests pass a seeded one); null = ThreadLocalRandom */
    public FailoverPlanner(FailoverSettings settings, CooldownView view, CooldownSink sink, RandomGenerator random) {
        this.settings = settings == null ? FailoverSettings.defaults() : settings;
        this.classifier = new FailureClassifier(this.settings);
        this.retry = new SameCandidateRetry(this.settings, random);
        this.view = view == null ? CooldownView.NONE : view;
        this.sink = sink == null ? CooldownSink.NONE : sink;
    }

    /**
     * The queue of one request, with a fresh {@link RetryBudget} ({@code maxAttempts}, deadline
     * {@code requestStartMs + requestDeadline}).
     *
     * @param catalog the index the resolution came from (to find the cooldowns behind its skips)
     * @param onSkip called for every skip the queue adds (metrics); may be null
     */
    public CandidateQueue open(Resolution resolution, CatalogIndex catalog, long requestStartMs, Consumer<Skip> onSkip) {
        RetryBudget budget = new RetryBudget(settings.maxAttempts(),
                requestStartMs + settings.requestDeadline().toMillis());
        return new CandidateQueue(resolution, catalog, view, sink, classifier, retry, budget,
                settings.maxContinuations(), onSkip);
    }

    public FailoverSettings settings() {
        return settings;
    }

    public FailureClassifier classifier() {
        return classifier;
    }
}
