package dev.switchboard.catalog.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.admin.ApiProblem;
import dev.switchboard.admin.Page;
import dev.switchboard.catalog.api.Reference;
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
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Providers, with their extra headers and failover rules inline. */
@ApplicationScoped
public class ProviderService {

    static final Set<String> FIELDS = Set.of("name", "protocol", "baseUrl", "enabled", "timeouts", "headers",
            "failoverRules", "responsesApi", "defaultPrice");
    private static final Set<String> PRICE_FIELDS = Set.of("inputPricePerMTok", "outputPricePerMTok");
    private static final Set<String> TIMEOUT_FIELDS = Set.of("connectMs", "firstByteMs", "firstTokenMs", "idleMs");
    /** Longest timeout accepted (1 h): a stuck upstream must not hold a relay's slot for longer. */
    static final int MAX_TIMEOUT_MS = 3_600_000;
    /** Longest cooldown a rule may set (1 day; the relay clamps to the same bound). */
    static final long MAX_RULE_COOLDOWN_SECONDS = 86_400;
    private static final Set<String> RULE_FIELDS = Set.of("status", "bodyContains", "action", "scope",
            "cooldownSeconds", "reason");
    static final Set<String> PROTOCOLS = Set.of(ProviderSnapshot.OPENAI, ProviderSnapshot.ANTHROPIC);
    static final Set<String> RULE_ACTIONS = Set.of("retry", "stop");
    static final Set<String> RULE_SCOPES = Set.of("none", "key", "key_model", "provider_model", "provider");
    private static final int MAX_HEADERS = 50;
    private static final int MAX_RULES = 100;

    private final ProviderRepository providers;
    private final ProviderKeyRepository keys;
    private final ModelRepository models;
    private final IntegrityRepository integrity;
    private final Event<CatalogChanged> changed;

    public ProviderService(ProviderRepository providers, ProviderKeyRepository keys, ModelRepository models,
            IntegrityRepository integrity, Event<CatalogChanged> changed) {
        this.providers = providers;
        this.keys = keys;
        this.models = models;
        this.integrity = integrity;
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
    public ProviderView create(JsonNode body) {
        integrity.lockCatalog();
        Fields f = Fields.of(body, FIELDS);
        f.require("name");
        f.require("protocol");
        f.require("baseUrl");
        Provider p = new Provider();
        p.enabled = true;
        ProviderSnapshot.Timeouts d = ProviderSnapshot.Timeouts.DEFAULT;
        p.connectTimeoutMs = d.connectMs();
        p.firstByteTimeoutMs = d.firstByteMs();
        p.idleTimeoutMs = d.idleMs();
        p.firstTokenTimeoutMs = d.firstTokenMs();
        apply(p, f);
        providers.persist(p);
        changed.fire(new CatalogChanged("provider " + p.id + " created"));
        return view(p);
    }

    @Transactional
    public ProviderView patch(long id, JsonNode body) {
        integrity.lockCatalog();
        Provider p = find(id);
        apply(p, Fields.of(body, FIELDS));
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

    private void apply(Provider p, Fields f) {
        String newName = null;
        if (f.has("name")) {
            newName = f.text("name");
            Names.checkName(f, "name", newName);
        }
        if (f.has("protocol")) {
            String protocol = f.oneOf("protocol", PROTOCOLS);
            if (protocol != null) {
                p.protocol = protocol;
            }
        }
        if (f.has("baseUrl")) {
            // an invalid value is never stored: throwIfErrors() below rolls the transaction back
            String url = f.text("baseUrl");
            Names.checkBaseUrl(f, "baseUrl", url);
            p.baseUrl = url == null ? p.baseUrl : url;
        }
        if (f.has("enabled")) {
            Boolean enabled = f.bool("enabled");
            if (enabled != null) {
                p.enabled = enabled;
            }
        }
        if (f.has("responsesApi")) {
            Boolean on = f.bool("responsesApi");
            if (on != null) {
                p.responsesApi = on;
            }
        }
        if (f.has("defaultPrice")) {
            defaultPrice(p, f);
        }
        if (f.has("timeouts")) {
            JsonNode node = f.object("timeouts");
            if (node != null) {
                Fields t = f.nested(node, "timeouts", TIMEOUT_FIELDS);
                if (t.has("connectMs")) {
                    Integer v = timeout(t, "connectMs");
                    if (v != null) {
                        p.connectTimeoutMs = v;
                    }
                }
                if (t.has("firstByteMs")) {
                    Integer v = timeout(t, "firstByteMs");
                    if (v != null) {
                        p.firstByteTimeoutMs = v;
                    }
                }
                if (t.has("firstTokenMs")) {
                    Integer v = timeout(t, "firstTokenMs");
                    if (v != null) {
                        p.firstTokenTimeoutMs = v;
                    }
                }
                if (t.has("idleMs")) {
                    Integer v = timeout(t, "idleMs");
                    if (v != null) {
                        p.idleTimeoutMs = v;
                    }
                }
            }
        }
        if (f.has("headers")) {
            JsonNode node = f.object("headers");
            if (node != null) {
                p.headers.clear();
                p.headers.putAll(headers(f, node));
            }
        }
        if (f.has("failoverRules")) {
            JsonNode node = f.array("failoverRules");
            if (node != null) {
                List<FailoverRuleValue> rules = rules(f, node);
                p.failoverRules.clear();
                p.failoverRules.addAll(rules);
            }
        }
        if (p.responsesApi && p.protocol != null && !ProviderSnapshot.OPENAI.equals(p.protocol)) {
            f.error("responsesApi", "only an openai provider serves the Responses API");
        }
        f.throwIfErrors();
        if (newName != null && !newName.equals(p.name)) {
            String wanted = newName;
            providers.findByName(wanted).filter(other -> !other.id.equals(p.id)).ifPresent(other -> {
                throw Conflicts.nameTaken(wanted, "provider " + other.id);
            });
            p.name = wanted;
        }
    }

    /** {@code defaultPrice}: an object with both prices, or null to remove it. */
    private static void defaultPrice(Provider p, Fields f) {
        if (f.node("defaultPrice").isNull()) {
            p.defaultInputPricePerMTok = null;
            p.defaultOutputPricePerMTok = null;
            return;
        }
        JsonNode node = f.object("defaultPrice");
        if (node == null) {
            return;
        }
        Fields price = f.nested(node, "defaultPrice", PRICE_FIELDS);
        price.require("inputPricePerMTok");
        price.require("outputPricePerMTok");
        BigDecimal in = price.optionalPrice("inputPricePerMTok");
        BigDecimal out = price.optionalPrice("outputPricePerMTok");
        if (in != null && out != null) {
            p.defaultInputPricePerMTok = in;
            p.defaultOutputPricePerMTok = out;
        }
    }

    /** A timeout in ms: &gt; 0 and at most {@link #MAX_TIMEOUT_MS}. */
    private static Integer timeout(Fields t, String field) {
        Integer v = t.positive(field);
        if (v != null && v > MAX_TIMEOUT_MS) {
            t.error(field, "must be at most " + MAX_TIMEOUT_MS + " (1 hour)");
            return null;
        }
        return v;
    }

    private static Map<String, String> headers(Fields f, JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node.size() > MAX_HEADERS) {
            f.error("headers", "at most " + MAX_HEADERS + " headers");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.isBlank() || !name.chars().allMatch(c -> c > 32 && c < 127 && c != ':')) {
                f.error("headers", "header names must be visible ASCII without ':'");
            } else if (!e.getValue().isTextual()) {
                f.error("headers." + name, "must be a string");
            } else if (e.getValue().asText().chars().anyMatch(c -> c == '\r' || c == '\n')) {
                f.error("headers." + name, "must not contain line breaks");
            } else {
                out.put(name, e.getValue().asText());
            }
        }
        return out;
    }

    private static List<FailoverRuleValue> rules(Fields f, JsonNode node) {
        List<FailoverRuleValue> out = new ArrayList<>();
        if (node.size() > MAX_RULES) {
            f.error("failoverRules", "at most " + MAX_RULES + " rules");
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            String path = "failoverRules[" + i + "]";
            Fields r = f.nested(node.get(i), path, RULE_FIELDS);
            FailoverRuleValue rule = new FailoverRuleValue();
            rule.status = r.integer("status");
            if (rule.status != null && (rule.status < 100 || rule.status > 599)) {
                r.error("status", "must be an HTTP status between 100 and 599");
            }
            rule.bodyContains = r.optionalText("bodyContains");
            if (rule.bodyContains != null && rule.bodyContains.isEmpty()) {
                rule.bodyContains = null;
            }
            if (rule.status == null && rule.bodyContains == null) {
                r.error("status", "a rule needs a status, a bodyContains, or both");
            }
            rule.action = r.oneOf("action", RULE_ACTIONS);
            rule.scope = r.has("scope") ? r.oneOf("scope", RULE_SCOPES) : "none";
            rule.cooldownSeconds = r.longValue("cooldownSeconds");
            if (rule.cooldownSeconds != null && rule.cooldownSeconds <= 0) {
                r.error("cooldownSeconds", "must be greater than 0");
            } else if (rule.cooldownSeconds != null && rule.cooldownSeconds > MAX_RULE_COOLDOWN_SECONDS) {
                r.error("cooldownSeconds", "must be at most " + MAX_RULE_COOLDOWN_SECONDS + " (1 day)");
            }
            String reason = r.optionalText("reason");
            rule.reason = reason == null || reason.isBlank() ? "operator_rule" : reason;
            out.add(rule);
        }
        return out;
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
