package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.MergePatch;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Requests.OnCreate;
import dev.switchboard.catalog.api.Requests.ModelRequest;
import dev.switchboard.catalog.api.Reference;
import dev.switchboard.catalog.api.Views.ModelView;
import dev.switchboard.catalog.entity.Model;
import dev.switchboard.catalog.entity.Provider;
import dev.switchboard.catalog.repository.IntegrityRepository;
import dev.switchboard.catalog.repository.ModelRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Models offered by a provider. Their names live in the tenant namespace shared with pools and clusters. */
@ApplicationScoped
public class ModelService {

    private final ModelRepository models;
    private final IntegrityRepository integrity;
    private final ProviderService providers;
    private final MergePatch mergePatch;
    private final Validator validator;
    private final Event<CatalogChanged> changed;

    public ModelService(ModelRepository models, IntegrityRepository integrity, ProviderService providers,
            MergePatch mergePatch, Validator validator, Event<CatalogChanged> changed) {
        this.models = models;
        this.integrity = integrity;
        this.providers = providers;
        this.mergePatch = mergePatch;
        this.validator = validator;
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
    public ModelView create(long providerId, ModelRequest request) {
        integrity.lockCatalog();
        Provider p = providers.find(providerId);
        validate(request);
        Model m = new Model();
        m.providerId = providerId;
        apply(m, request);
        models.persist(m);
        changed.fire(new CatalogChanged("model " + m.id + " created"));
        return view(m, p.name);
    }

    @Transactional
    public ModelView patch(long providerId, long modelId, JsonNode body, boolean cascade) {
        integrity.lockCatalog();
        Provider p = providers.find(providerId);
        Model m = find(providerId, modelId);
        ModelRequest current = new ModelRequest(m.name, m.upstreamName, m.contextWindow, m.inputPricePerMTok,
                m.outputPricePerMTok, m.enabled, m.prefill);
        ModelRequest wanted = mergePatch.apply(current, body, ModelRequest.class);
        if (!wanted.name().equalsIgnoreCase(m.name)) {
            // the old name disappears from this provider: clusters naming only it would dangle
            List<Reference> refs = integrity.clusterMembersOrphanedBy(List.of(modelId));
            if (!refs.isEmpty() && !cascade) {
                throw Conflicts.referenced("model name '" + m.name + "'", refs);
            }
            integrity.remove(refs);
        }
        apply(m, wanted);
        changed.fire(new CatalogChanged("model " + modelId + " updated"));
        return view(m, p.name);
    }

    /** After the provider is found: a create under a missing provider is a 404 whatever its body. */
    private void validate(ModelRequest request) {
        Set<ConstraintViolation<ModelRequest>> violations = validator.validate(request, OnCreate.class);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
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

    /** Writes a valid request onto the model; null fields take the defaults of a create. */
    private void apply(Model m, ModelRequest r) {
        if (!r.name().equals(m.name)) {
            integrity.requireNameFree(r.name(), "model", m.id, m.providerId);
            m.name = r.name();
        }
        // null means "same as the tenant-facing name"
        m.upstreamName = r.upstreamName() == null ? m.name : r.upstreamName();
        m.contextWindow = r.contextWindow();
        m.inputPricePerMTok = r.inputPricePerMTok();
        m.outputPricePerMTok = r.outputPricePerMTok();
        m.enabled = r.enabled() == null || r.enabled();
        m.prefill = r.prefill();
    }

    static ModelView view(Model m, String providerName) {
        return new ModelView(m.id, m.providerId, providerName, m.name, m.upstreamName, m.contextWindow,
                m.inputPricePerMTok, m.outputPricePerMTok, m.enabled, m.prefill);
    }
}
