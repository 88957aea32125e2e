package dev.switchboard.relay.routing;

/**
 * One entry of {@code GET /v1/models}.
 *
 * @param kind cluster | pool | model
 * @param ownedBy provider name for concrete models, {@code switchboard} for pools, clusters and names
 *        that exist only as routes or group overlays
 */
public record ListedModel(String id, String kind, String ownedBy) {

    public static final String CLUSTER = "cluster";
    public static final String POOL = "pool";
    public static final String MODEL = "model";
    public static final String SWITCHBOARD = "switchboard";
}
