package dev.switchboard.relay.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.relay.dialect.Dialect;
import dev.switchboard.relay.dialect.TokenCount;
import dev.switchboard.relay.routing.Candidate;
import dev.switchboard.relay.translate.Splice;
import dev.switchboard.relay.translate.TranslationException;
import dev.switchboard.relay.translate.Wire;
import dev.switchboard.relay.upstream.RequestBody;
import java.io.IOException;

/**
 * A committed stream that broke, and how it is continued on another candidate: the text the client already has,
 * the failure the client is told about if no continuation gets through, the request for the continuation (the
 * original with that text as the assistant's prefill, or the original as it was) and what the broken attempt
 * costs. One per break.
 */
final class StreamContinuation {

    /** Events kept per stream for a continuation; a longer stream is not continued. */
    static final int MAX_RECORDED_CHARS = 512 * 1024;

    private final Exchange.ClientRequest req;
    private final Splice splice;
    private final String code;
    private final String message;
    private final TokenCount carried;
    private final StreamTap brokenTap;

    private StreamContinuation(Exchange.ClientRequest req, Splice splice, String code, String message,
            TokenCount carried, StreamTap brokenTap) {
        this.req = req;
        this.brokenTap = brokenTap;
        this.splice = splice;
        this.code = code;
        this.message = message;
        this.carried = carried;
    }

    /** The continuation of {@code broken}'s stream, or null when it cannot be continued (see {@link Splice#of}). */
    static StreamContinuation of(Exchange.ClientRequest req, UpstreamAttempt broken, String code, String message) {
        StreamTap tap = broken.tap();
        Translation t = broken.translation();
        Dialect client = req.endpoint().dialect();
        Splice s = Splice.of(Dialect.serving(broken.candidate().provider(), client).translationWire(),
                client.translationWire(), tap.recording(), t == null ? null : t.settings(),
                req.body().model(), req.body().clientAskedUsage(), code, message);
        if (s == null) {
            return null;
        }
        TokenCount cost = new TokenCount();
        TokenCount seen = tap.tokens();
        // a cut stream rarely carried its usage: the text sent is estimated at four characters a token
        cost.set(seen.prompt(), seen.completion() > 0 ? seen.completion() : (s.sentText().length() + 3) / 4);
        return new StreamContinuation(req, s, code, message, cost, tap);
    }

    String code() {
        return code;
    }

    String message() {
        return message;
    }

    boolean diverged() {
        return splice.diverged();
    }

    /** What the broken attempt and the continuation ({@code current}, the tap that served last) cost together. */
    TokenCount total(StreamTap current) {
        if (current == brokenTap || current == null) {
            return carried;
        }
        TokenCount c = current.tokens();
        TokenCount sum = new TokenCount();
        sum.set(carried.prompt() + c.prompt(), carried.completion() + c.completion());
        return sum;
    }

    /**
     * The continuation attempt on {@code next}: with the text sent as a prefill where the candidate accepts one,
     * else the original request, spliced only if its answer begins with that text.
     *
     * @throws dev.switchboard.relay.translate.TranslationException the candidate cannot take the request
     */
    UpstreamAttempt attempt(AttemptFactory attempts, Candidate next, OnContext on) {
        Wire wire = Dialect.serving(next.provider(), req.endpoint().dialect()).translationWire();
        if (!Splice.decodable(wire)) {
            throw new TranslationException(400, null, TranslationException.INVALID,
                    "a Responses passthrough cannot continue another stream");
        }
        String sent = splice.sentText();
        String prefix = sent.stripTrailing(); // a prefill may not end in whitespace; the model writes it again
        boolean prefill = next.acceptsPrefill() && !prefix.isEmpty();
        Exchange.ClientRequest request = prefill ? withPrefill(prefix) : req;
        UpstreamAttempt a = attempts.create(request, next, on);
        a.spliceWith(splice.continuation(wire,
                prefill ? Splice.Mode.PREFILL : Splice.Mode.RESTART, sent.substring(prefix.length())));
        return a;
    }

    private Exchange.ClientRequest withPrefill(String text) {
        try {
            ObjectNode body = (ObjectNode) Dialect.JSON.readTree(req.body().bytes());
            req.endpoint().dialect().appendAssistant(body, text);
            RequestBody prefilled = RequestBody.parse(Dialect.JSON.writeValueAsBytes(body));
            return new Exchange.ClientRequest(req.endpoint(), prefilled, req.key(), req.requestId(), req.startNanos(),
                    req.headers(), req.trace());
        } catch (IOException | RequestBody.Invalid e) {
            throw new IllegalStateException("a body the relay accepted no longer parses", e);
        }
    }
}
