package dev.switchboard.relay.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where each event lies in the chunk being fed, so a whole-chunk forwarder can cut one out. */
class SseScannerTest {

    private record Seen(String data, int start, int end) {
    }

    private static List<Seen> scan(String... chunks) {
        List<Seen> seen = new ArrayList<>();
        SseScanner[] s = new SseScanner[1];
        s[0] = new SseScanner((e, d, raw) -> seen.add(new Seen(d, s[0].eventStart(), s[0].eventEnd())), false);
        for (String c : chunks) {
            s[0].feed(Buffer.buffer(c));
        }
        return seen;
    }

    @Test
    void eventsWithinOneChunkAreDelimitedByTheirBytes() {
        String chunk = "data: a\n\n: ping\n\ndata: bb\r\n\r\nevent: x\ndata: c\n\n";
        List<Seen> seen = scan(chunk);
        assertThat(seen).extracting(Seen::data).containsExactly("a", "bb", "c");
        assertThat(chunk.substring(seen.get(0).start(), seen.get(0).end())).isEqualTo("data: a\n\n");
        assertThat(chunk.substring(seen.get(1).start(), seen.get(1).end())).isEqualTo("data: bb\r\n\r\n");
        assertThat(chunk.substring(seen.get(2).start(), seen.get(2).end())).isEqualTo("event: x\ndata: c\n\n");
    }

    @Test
    void anEventBegunInAnEarlierChunkHasNoStartInThisOne() {
        List<Seen> seen = scan("data: a\n\ndata: b", "b\n\ndata: c\n\n");
        assertThat(seen).extracting(Seen::data).containsExactly("a", "bb", "c");
        assertThat(seen.get(1).start()).isEqualTo(-1);
        assertThat(seen.get(1).end()).isEqualTo(3);
        assertThat(seen.get(2).start()).isEqualTo(3);
        assertThat(seen.get(2).end()).isEqualTo(12);
    }

    @Test
    void aChunkThatBeginsBetweenEventsStartsAtZero() {
        List<Seen> seen = scan("data: a\n\n", "data: b\n\n");
        assertThat(seen.get(1).start()).isZero();
        assertThat(seen.get(1).end()).isEqualTo(9);
    }
}
