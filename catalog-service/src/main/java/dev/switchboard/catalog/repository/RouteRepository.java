package dev.switchboard.catalog.repository;

import dev.switchboard.catalog.entity.Route;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class RouteRepository implements PanacheRepository<Route> {
}
