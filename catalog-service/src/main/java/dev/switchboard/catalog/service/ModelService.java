package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Reference;
import dev.switchboard.catalog.api.Views.ModelView;
import dev.switchboard.catalog.entity.Model;
import dev.switchboard.catalog.entity.Provider;
import dev.switchboard.catalog.repository.IntegrityRepository;
import dev.switchboard.catalog.repository.ModelRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Models offered by a provider. Their names live in the tenant namespace shared with pools and clusters. */
@ApplicationScoped
public class ModelService {

    static final Set<String> FIELDS = Set.of("name", "upstreamName", "contextWindow", "inputPricePerMTok",
            "outputPricePerMTok", "enabled", "prefill");

    private final ModelRepository models;
    private final IntegrityRepository integrity;
    private final ProviderService providers;
    private final Event<CatalogChanged> changed;

    public ModelService(ModelRepository models, IntegrityRepository integrity, ProviderService providers,
            Event<CatalogChanged> changed) {
        this.models = models;
        this.integrity = integrity;
        this.providers = providers;
        this.changed = changed;
    }

    public Page<ModelView> list(long providerId, int page, int size) {
        Provider p = providers.find(providerId);
        var query = models.byProvider(providerId);
        List<Model> items = query.page(io.quarkus.panache.common.Page.of(page, size)).list();
        return new Page<>(items.stream().map(m -> view(m, p.name)).toList(), page, size, query.count());
    }

    public ModelView get(long providerId, long modelId) {
        Provider p = providers.find(providerId);
        return view(find(providerId, modelId), p.name);
    }

    @Transactional
    public ModelView create(long providerId, JsonNode body) {
        integrity.lockCatalog();
        Provider p = providers.find(providerId);
        Fields f = Fields.of(body, FIELDS);
        f.require("name");
        Model m = new Model();
        m.providerId = providerId;
        m.enabled = true;
        apply(m, f);
        models.persist(m);
        changed.fire(new CatalogChanged("model " + m.id + " created"));
        return view(m, p.name);
    }

    @Transactional
    public ModelView patch(long providerId, long modelId, JsonNode body, boolean cascade) {
        integrity.lockCatalog();
        Provider p = providers.find(providerId);
        Model m = find(providerId, modelId);
        Fields f = Fields.of(body, FIELDS);
        if (f.has("name")) {
            String wanted = f.text("name");
            if (wanted != null && !wanted.equalsIgnoreCase(m.name)) {
                // the old name disappears from this provider: clusters naming only it would dangle
                List<Reference> refs = integrity.clusterMembersOrphanedBy(List.of(modelId));
                if (!refs.isEmpty() && !cascade) {
                    throw Conflicts.referenced("model name '" + m.name + "'", refs);
                }
                integrity.remove(refs);
            }
        }
        apply(m, f);
        changed.fire(new CatalogChanged("model " + modelId + " updated"));
        return view(m, p.name);
    }

    @Transactional
    public void delete(long providerId, long modelId, boolean cascade) {
        integrity.lockCatalog();
        Model m = find(providerId, modelId);
        List<Reference> refs = new ArrayList<>();
        refs.addAll(integrity.poolMembersOfModels(List.of(modelId)));
        refs.addAll(integrity.clusterMembersOrphanedBy(List.of(modelId)));
        if (!refs.isEmpty() && !cascade) {
            throw Conflicts.referenced("model '" + m.name + "'", refs);
        }
        integrity.remove(refs);
        models.delete(m);
        changed.fire(new CatalogChanged("model " + modelId + " deleted"));
    }

    private Model find(long providerId, long modelId) {
        Model m = models.findById(modelId);
        if (m == null || m.providerId != providerId) {
            throw ApiProblem.notFound("model", modelId);
        }
        return m;
    }

    private void apply(Model m, Fields f) {
        String name = null;
        if (f.has("name")) {
            name = f.text("name");
            Names.checkName(f, "name", name);
        }
        if (f.has("upstreamName")) {
            String upstream = f.optionalText("upstreamName");
            if (upstream != null && (upstream.isBlank() || upstream.length() > Names.MAX_NAME)) {
                f.error("upstreamName", "must be a non-empty string of at most " + Names.MAX_NAME + " characters");
            }
            // null means "same as the tenant-facing name"
            m.upstreamName = upstream != null ? upstream : name != null ? name : m.name;
        }
        if (f.has("contextWindow")) {
            m.contextWindow = f.optionalPositive("contextWindow");
        }
        if (f.has("inputPricePerMTok")) {
            m.inputPricePerMTok = f.optionalPrice("inputPricePerMTok");
        }
        if (f.has("outputPricePerMTok")) {
            m.outputPricePerMTok = f.optionalPrice("outputPricePerMTok");
        }
        if (f.has("enabled")) {
            Boolean e = f.bool("enabled");
            m.enabled = e == null ? m.enabled : e;
        }
        if (f.has("prefill")) {
            // explicit null = back to the protocol's default
            m.prefill = f.node("prefill").isNull() ? null : f.bool("prefill");
        }
        f.throwIfErrors();
        if (name != null && !name.equals(m.name)) {
            integrity.requireNameFree(name, "model", m.id, m.providerId);
            m.name = name;
        }
        if (m.upstreamName == null) {
            m.upstreamName = m.name;
        }
    }

    static ModelView view(Model m, String providerName) {
        return new ModelView(m.id, m.providerId, providerName, m.name, m.upstreamName, m.contextWindow,
                m.inputPricePerMTok, m.outputPricePerMTok, m.enabled, m.prefill);
    }
}
