package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.MergePatch;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Reference;
import dev.switchboard.catalog.api.Requests.FailoverRuleRequest;
import dev.switchboard.catalog.api.Requests.PriceRequest;
import dev.switchboard.catalog.api.Requests.ProviderRequest;
import dev.switchboard.catalog.api.Requests.TimeoutsRequest;
import dev.switchboard.catalog.api.Views.ProviderView;
import dev.switchboard.catalog.api.Views.TimeoutsView;
import dev.switchboard.catalog.entity.FailoverRuleValue;
import dev.switchboard.catalog.entity.Provider;
import dev.switchboard.catalog.repository.IntegrityRepository;
import dev.switchboard.catalog.repository.ModelRepository;
import dev.switchboard.catalog.repository.ProviderKeyRepository;
import dev.switchboard.catalog.repository.ProviderRepository;
import dev.switchboard.contracts.catalog.FailoverRule;
import dev.switchboard.contracts.catalog.Price;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Providers, with their extra headers and failover rules inline. */
@ApplicationScoped
public class ProviderService {

    private final ProviderRepository providers;
    private final ProviderKeyRepository keys;
    private final ModelRepository models;
    private final IntegrityRepository integrity;
    private final MergePatch mergePatch;
    private final Event<CatalogChanged> changed;

    public ProviderService(ProviderRepository providers, ProviderKeyRepository keys, ModelRepository models,
            IntegrityRepository integrity, MergePatch mergePatch, Event<CatalogChanged> changed) {
        this.providers = providers;
        this.keys = keys;
        this.models = models;
        this.integrity = integrity;
        this.mergePatch = mergePatch;
        this.changed = changed;
    }

    public Page<ProviderView> list(int page, int size) {
        var query = providers.findAll(Sort.by("id"));
        List<Provider> items = query.page(io.quarkus.panache.common.Page.of(page, size)).list();
        return new Page<>(items.stream().map(this::view).toList(), page, size, query.count());
    }

    public ProviderView get(long id) {
        return view(find(id));
    }

    @Transactional
    public ProviderView create(ProviderRequest request) {
        integrity.lockCatalog();
        Provider p = new Provider();
        apply(p, request);
        providers.persist(p);
        changed.fire(new CatalogChanged("provider " + p.id + " created"));
        return view(p);
    }

    /**
     * {@code headers} and {@code defaultPrice} are one unit each: when named they replace the stored value
     * rather than merge into it (a price needs both halves; a header map is the operator's whole list).
     */
    @Transactional
    public ProviderView patch(long id, JsonNode body) {
        integrity.lockCatalog();
        Provider p = find(id);
        ProviderRequest current = new ProviderRequest(p.name, p.protocol, p.baseUrl, p.enabled,
                new TimeoutsRequest(p.connectTimeoutMs, p.firstByteTimeoutMs, p.firstTokenTimeoutMs, p.idleTimeoutMs),
                MergePatch.touches(body, "headers") ? null : Map.copyOf(p.headers),
                p.failoverRules.stream().map(ProviderService::request).toList(), p.responsesApi,
                MergePatch.touches(body, "defaultPrice") || p.defaultInputPricePerMTok == null ? null
                        : new PriceRequest(p.defaultInputPricePerMTok, p.defaultOutputPricePerMTok));
        apply(p, mergePatch.apply(current, body, ProviderRequest.class));
        changed.fire(new CatalogChanged("provider " + id + " updated"));
        return view(p);
    }

    @Transactional
    public void delete(long id, boolean cascade) {
        integrity.lockCatalog();
        Provider p = find(id);
        List<Long> modelIds = models.idsOfProvider(id);
        List<Reference> refs = new ArrayList<>();
        refs.addAll(integrity.poolMembersOfModels(modelIds));
        refs.addAll(integrity.clusterMembersOrphanedBy(modelIds));
        refs.addAll(integrity.routesTo("provider", id));
        if (!refs.isEmpty() && !cascade) {
            throw Conflicts.referenced("provider '" + p.name + "'", refs);
        }
        integrity.remove(refs);
        keys.deleteByProvider(id);
        models.deleteByProvider(id);
        providers.delete(p);
        changed.fire(new CatalogChanged("provider " + id + " deleted"));
    }

    Provider find(long id) {
        Provider p = providers.findById(id);
        if (p == null) {
            throw ApiProblem.notFound("provider", id);
        }
        return p;
    }

    /** Writes a valid request onto the provider; null fields take the defaults of a create. */
    private void apply(Provider p, ProviderRequest r) {
        boolean responsesApi = Boolean.TRUE.equals(r.responsesApi());
        if (responsesApi && !ProviderSnapshot.OPENAI.equals(r.protocol())) {
            throw ApiProblem.invalid("responsesApi", "only an openai provider serves the Responses API");
        }
        if (!r.name().equals(p.name)) {
            providers.findByName(r.name()).filter(other -> !other.id.equals(p.id)).ifPresent(other -> {
                throw Conflicts.nameTaken(r.name(), "provider " + other.id);
            });
            p.name = r.name();
        }
        p.protocol = r.protocol();
        p.baseUrl = r.baseUrl();
        p.enabled = r.enabled() == null || r.enabled();
        p.responsesApi = responsesApi;
        ProviderSnapshot.Timeouts d = ProviderSnapshot.Timeouts.DEFAULT;
        TimeoutsRequest t = r.timeouts() == null ? new TimeoutsRequest(null, null, null, null) : r.timeouts();
        p.connectTimeoutMs = t.connectMs() == null ? d.connectMs() : t.connectMs();
        p.firstByteTimeoutMs = t.firstByteMs() == null ? d.firstByteMs() : t.firstByteMs();
        p.firstTokenTimeoutMs = t.firstTokenMs() == null ? d.firstTokenMs() : t.firstTokenMs();
        p.idleTimeoutMs = t.idleMs() == null ? d.idleMs() : t.idleMs();
        Map<String, String> headers = r.headers() == null ? Map.of() : r.headers();
        if (!p.headers.equals(headers)) {
            p.headers.clear();
            p.headers.putAll(headers);
        }
        List<FailoverRuleValue> rules = r.failoverRules() == null ? List.of()
                : r.failoverRules().stream().map(ProviderService::rule).toList();
        if (!p.failoverRules.stream().map(FailoverRuleValue::toContract).toList()
                .equals(rules.stream().map(FailoverRuleValue::toContract).toList())) {
            p.failoverRules.clear();
            p.failoverRules.addAll(rules);
        }
        p.defaultInputPricePerMTok = r.defaultPrice() == null ? null : r.defaultPrice().inputPricePerMTok();
        p.defaultOutputPricePerMTok = r.defaultPrice() == null ? null : r.defaultPrice().outputPricePerMTok();
    }

    private static FailoverRuleValue rule(FailoverRuleRequest r) {
        FailoverRuleValue rule = new FailoverRuleValue();
        rule.status = r.status();
        rule.bodyContains = r.bodyContains();
        rule.action = r.action();
        rule.scope = r.scope() == null ? "none" : r.scope();
        rule.cooldownSeconds = r.cooldownSeconds();
        rule.reason = r.reason() == null || r.reason().isBlank() ? "operator_rule" : r.reason();
        return rule;
    }

    private static FailoverRuleRequest request(FailoverRuleValue v) {
        return new FailoverRuleRequest(v.status, v.bodyContains, v.action, v.scope, v.cooldownSeconds, v.reason);
    }

    ProviderView view(Provider p) {
        long keyCount = keys.countByProvider(p.id);
        long modelCount = models.countByProvider(p.id);
        List<FailoverRule> rules = p.failoverRules.stream().map(FailoverRuleValue::toContract).toList();
        return new ProviderView(p.id, p.name, p.protocol, p.baseUrl, p.enabled,
                new TimeoutsView(p.connectTimeoutMs, p.firstByteTimeoutMs, p.firstTokenTimeoutMs, p.idleTimeoutMs),
                Map.copyOf(p.headers), rules, keyCount, modelCount, p.responsesApi, defaultPrice(p));
    }

    private static Price defaultPrice(Provider p) {
        return p.defaultInputPricePerMTok == null ? null
                : new Price(p.defaultInputPricePerMTok, p.defaultOutputPricePerMTok);
    }
}
