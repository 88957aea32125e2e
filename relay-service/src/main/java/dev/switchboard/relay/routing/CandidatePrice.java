package dev.switchboard.relay.routing;

import dev.switchboard.contracts.catalog.ModelSnapshot;
import dev.switchboard.contracts.catalog.Price;
import dev.switchboard.contracts.catalog.ProviderSnapshot;

/**
 * The price a candidate is billed at and where it came from: the serving model's own price when the catalog
 * lists the name with one, else its provider's {@link ProviderSnapshot#defaultPrice() default price}, else none
 * ({@link #of} answers null). A metered tenant is never served by a candidate without one
 * ({@link Skip#MODEL_NOT_PRICED}).
 */
public record CandidatePrice(Price price, Source source) {

    /** Where a price came from, as the explain view names it. */
    public enum Source {
        MODEL("model"),
        PROVIDER_DEFAULT("provider_default");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Whether {@link #of} would find a price, without building it (resolution asks it of every pair). */
    public static boolean exists(ProviderSnapshot provider, ModelSnapshot model) {
        return model != null && (model.inputPricePerMTok() != null || model.outputPricePerMTok() != null)
                || provider != null && provider.defaultPrice() != null;
    }

    /** @param model null when the provider does not list the name (passed through) */
    public static CandidatePrice of(ProviderSnapshot provider, ModelSnapshot model) {
        Price own = Price.of(model);
        if (own != null) {
            return new CandidatePrice(own, Source.MODEL);
        }
        Price fallback = provider == null ? null : provider.defaultPrice();
        return fallback == null ? null : new CandidatePrice(fallback, Source.PROVIDER_DEFAULT);
    }
}
