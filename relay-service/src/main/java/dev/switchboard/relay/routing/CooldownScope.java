package dev.switchboard.relay.routing;

import java.util.List;

/** Cooldown scope strings; also used as Redis key suffixes ({@code sb:cd:<scope>}). */
public final class CooldownScope {

    private CooldownScope() {
    }

    /** {@code key:12} — one upstream key, every model. */
    public static String key(long keyId) {
        return "key:" + keyId;
    }

    /** {@code key_model:12:gpt-4o} — one key for one upstream model. */
    public static String keyModel(long keyId, String upstreamModel) {
        return "key_model:" + keyId + ":" + upstreamModel;
    }

    /** {@code provider_model:3:gpt-4o} — one upstream model on a provider, every key. */
    public static String providerModel(long providerId, String upstreamModel) {
        return "provider_model:" + providerId + ":" + upstreamModel;
    }

    /** {@code provider:3} — a whole provider. */
    public static String provider(long providerId) {
        return "provider:" + providerId;
    }

    /** The four scopes covering a candidate, broadest first: provider, provider_model, key, key_model. */
    public static List<String> all(Candidate c) {
        return List.of(Kind.PROVIDER.of(c), Kind.PROVIDER_MODEL.of(c), Kind.KEY.of(c), Kind.KEY_MODEL.of(c));
    }

    /** Parses {@code key | key_model | provider_model | provider} (case-insensitive); null for anything else. */
    public static Kind kindOf(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "key" -> Kind.KEY;
            case "key_model" -> Kind.KEY_MODEL;
            case "provider_model" -> Kind.PROVIDER_MODEL;
            case "provider" -> Kind.PROVIDER;
            default -> null;
        };
    }

    public enum Kind {
        KEY, KEY_MODEL, PROVIDER_MODEL, PROVIDER;

        /** The scope string of this kind for a candidate. */
        public String of(Candidate c) {
            return switch (this) {
                case KEY -> key(c.key().id());
                case KEY_MODEL -> keyModel(c.key().id(), c.upstreamModel());
                case PROVIDER_MODEL -> providerModel(c.provider().id(), c.upstreamModel());
                case PROVIDER -> provider(c.provider().id());
            };
        }
    }
}
