package dev.switchboard.catalog.config;

import dev.switchboard.contracts.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The data keys, parsed once; a bad spec fails start-up with a message free of key material. */
@ApplicationScoped
public class SecretBoxProducer {

    @Produces
    @Singleton
    SecretBox secretBox(CatalogConfig config) {
        return SecretBox.fromSpec(config.dataKeys());
    }
}
