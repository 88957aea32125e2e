package dev.switchboard.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.auth.AuthCacheEntry;
import dev.switchboard.relay.support.Fixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthCacheTest {

    private final AuthCache cache = new AuthCache(1000, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofHours(1));

    private static AuthCacheEntry positive(long version) {
        var k = Fixture.key(Fixture.group(List.of(), Map.of()));
        return new AuthCacheEntry(1, version, false, k);
    }

    @Test
    void aLoadThatStartedBeforeAnInvalidationOfItsKeyIsNotCached() {
        long ticket = cache.ticket();
        cache.invalidate(List.of("a"));
        AuthCache.Cached answered = cache.put("a", positive(5), ticket);

        assertThat(answered.entry().version()).as("the request still gets its answer").isEqualTo(5);
        assertThat(cache.stale("a")).isNull();
    }

    @Test
    void anInvalidationOfAnotherKeyDoesNotStopCaching() {
        long ticket = cache.ticket();
        cache.invalidate(List.of("b"));
        cache.put("a", positive(5), ticket);

        assertThat(cache.stale("a")).isNotNull();
    }

    @Test
    void aLoadThatStartedBeforeAFlushIsNotCachedButOneAfterIs() {
        long before = cache.ticket();
        cache.invalidateAll();
        long after = cache.ticket();
        cache.put("a", positive(5), before);
        assertThat(cache.stale("a")).isNull();
        cache.put("a", positive(5), after);
        assertThat(cache.stale("a")).isNotNull();
    }

    @Test
    void aNegativeEntryIsNeverReplacedByAnOlderPositiveOne() {
        cache.put("a", AuthCacheEntry.notFound(10), cache.ticket());
        cache.put("a", positive(9), cache.ticket());
        assertThat(cache.stale("a").entry().notFound()).isTrue();

        cache.put("a", positive(10), cache.ticket());
        assertThat(cache.stale("a").entry().notFound()).as("the negative one wins a tie").isTrue();

        cache.put("a", positive(11), cache.ticket());
        assertThat(cache.stale("a").entry().notFound()).as("a newer key with that hash").isFalse();
    }

    @Test
    void anEvictedTombstoneStillKeepsTheLoadsThatStraddledItFromCaching() {
        long ticket = cache.ticket();
        cache.invalidate(List.of("a"));
        for (int i = 0; i < 20_000; i++) { // far more invalidations than tombstones are kept
            cache.invalidate(List.of("other-" + i));
        }
        cache.put("a", positive(5), ticket);
        assertThat(cache.stale("a")).isNull();
    }
}
