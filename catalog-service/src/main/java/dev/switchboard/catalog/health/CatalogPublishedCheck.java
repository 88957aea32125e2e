package dev.switchboard.catalog.health;

import dev.switchboard.catalog.service.PublishService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once this replica has published (or found superseded) the catalog at least once. PostgreSQL
 * and Redis have their own readiness checks from the datasource and Redis extensions.
 */
@Readiness
@ApplicationScoped
public class CatalogPublishedCheck implements HealthCheck {

    private final PublishService publisher;

    public CatalogPublishedCheck(PublishService publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("catalog-published")
                .status(publisher.hasPublished())
                .withData("version", publisher.lastPublishedVersion())
                .build();
    }
}
