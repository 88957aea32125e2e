package dev.switchboard.relay.routing;

/** Remaining capacity of upstream keys, for the quota_aware strategy. */
@FunctionalInterface
public interface HeadroomView {

    /** Unknown headroom everywhere. */
    HeadroomView NONE = providerKeyId -> 1.0;

    /** Fraction remaining, 0..1; 1.0 when unknown. */
    double headroom(long providerKeyId);
}
