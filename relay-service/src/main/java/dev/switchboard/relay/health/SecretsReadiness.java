package dev.switchboard.relay.health;

import dev.switchboard.relay.catalog.CatalogHolder;
import dev.switchboard.relay.upstream.ProviderSecrets;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready without usable data keys, or when the loaded catalog has enabled upstream keys and this relay can
 * open none of them (wrong {@code SB_DATA_KEYS}): such a relay could only send requests without credentials.
 * Single keys that cannot be opened do not take the replica out of the Service; they are logged by id and skipped
 * as {@code no_credential}, and counted here in {@code unopenableKeys}.
 */
@Readiness
@ApplicationScoped
public class SecretsReadiness implements HealthCheck {

    private final CatalogHolder catalog;
    private final ProviderSecrets secrets;

    public SecretsReadiness(CatalogHolder catalog, ProviderSecrets secrets) {
        this.catalog = catalog;
        this.secrets = secrets;
    }

    @Override
    public HealthCheckResponse call() {
        CatalogHolder.Loaded loaded = catalog.current();
        int enabled = loaded == null ? 0 : loaded.index().enabledKeyCount();
        int unopenable = loaded == null ? 0 : loaded.index().unopenableKeyCount();
        boolean up = secrets.configured() && (enabled == 0 || unopenable < enabled);
        return HealthCheckResponse.named("upstream-secrets").status(up)
                .withData("dataKeys", secrets.configured())
                .withData("enabledKeys", enabled)
                .withData("unopenableKeys", unopenable)
                .build();
    }
}
