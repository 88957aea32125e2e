package dev.switchboard.relay.routing;

import static dev.switchboard.relay.routing.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.contracts.auth.GroupSnapshot;
import dev.switchboard.contracts.catalog.ClusterSnapshot;
import dev.switchboard.contracts.catalog.PoolSnapshot;
import dev.switchboard.contracts.catalog.ProviderSnapshot;
import dev.switchboard.contracts.catalog.RouteSnapshot;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class ModelListingTest {

    private final ProviderSnapshot openai = provider(1, "openai-a", List.of(key(11, "k", 1)),
            model(101, "gpt-4o"), model(102, "gpt-4o-mini"), disabledModel(103, "gpt-3.5"));
    private final ProviderSnapshot claude = provider(2, "claude", ProviderSnapshot.ANTHROPIC, List.of(key(21, "k", 1)),
            List.of(model(201, "claude-sonnet-4")));
    private final ProviderSnapshot keyless = provider(3, "keyless", List.of(), model(301, "orphan"));

    private CatalogIndex index() {
        return catalog().providers(openai, claude, keyless)
                .pools(pool(1, "gpt4", PoolSnapshot.PRIORITY, member(1, "gpt-4o", 0, 1)),
                        new PoolSnapshot(2, "off-pool", PoolSnapshot.PRIORITY, false, List.of(member(1, "gpt-4o", 0, 1))))
                .clusters(cluster(1, "coding-fast", poolMember("gpt4"), modelMember("claude-sonnet-4")),
                        new ClusterSnapshot(2, "off-cluster", false, List.of(modelMember("gpt-4o"))))
                .routes(route(1, "gpt-*", RouteSnapshot.PROVIDER, "openai-a", 0, 1),
                        route(3, "latest", RouteSnapshot.POOL, "gpt4", 0, 3))
                .index();
    }

    @Test
    void listsClustersPoolsAndConcreteModelsSortedWithOwners() {
        List<ListedModel> list = ModelListing.visible(index(), openGroup());

        assertThat(list).extracting(ListedModel::id, ListedModel::kind, ListedModel::ownedBy).containsExactly(
                Tuple.tuple("coding-fast", "cluster", "switchboard"),
                Tuple.tuple("gpt4", "pool", "switchboard"),
                Tuple.tuple("claude-sonnet-4", "model", "claude"),
                Tuple.tuple("gpt-4o", "model", "openai-a"),
                Tuple.tuple("gpt-4o-mini", "model", "openai-a"),
                Tuple.tuple("latest", "model", "switchboard"));
    }

    @Test
    void neverListsAWildcardAndDropsDisabledOrUnservableEntries() {
        List<ListedModel> list = ModelListing.visible(index(), openGroup());

        assertThat(list).extracting(ListedModel::id).noneMatch(id -> id.contains("*"))
                .doesNotContain("off-pool", "off-cluster", "gpt-3.5", "orphan");
    }

    @Test
    void catchAllRouteListsEveryCatalogNameItServesButNeverTheStar() {
        CatalogIndex idx = catalog().providers(openai, keyless)
                .pools(pool(1, "gpt4", PoolSnapshot.PRIORITY, member(1, "gpt-4o", 0, 1)))
                .routes(route(1, "*", RouteSnapshot.POOL, "gpt4", 0, 1))
                .index();

        List<ListedModel> list = ModelListing.visible(idx, openGroup());

        assertThat(list).extracting(ListedModel::id).containsExactly("gpt4", "gpt-3.5", "gpt-4o", "gpt-4o-mini", "orphan");
    }

    @Test
    void allowedModelsAndPlatformFilterTheList() {
        GroupSnapshot g = group("openai", List.of("gpt-4o-mini", "coding-*"), Map.of(), false);

        List<ListedModel> list = ModelListing.visible(index(), g);

        // coding-fast is allowed by name; it still has an openai member, so it stays
        assertThat(list).extracting(ListedModel::id).containsExactly("coding-fast", "gpt-4o-mini");
    }

    @Test
    void literalGroupOverlayNamesAreListedAndWildcardOnesExpandToCatalogNames() {
        GroupSnapshot g = group("any", List.of(),
                routing("fast", List.of("gpt4"), "claude-*", List.of("provider:claude"), "ghost", List.of("nope")), true);

        List<ListedModel> list = ModelListing.visible(index(), g);

        assertThat(list).extracting(ListedModel::id).contains("fast", "claude-sonnet-4").doesNotContain("ghost", "claude-*");
        assertThat(list).filteredOn(m -> m.id().equals("fast")).singleElement()
                .extracting(ListedModel::kind, ListedModel::ownedBy).containsExactly("model", "switchboard");
    }

    @Test
    void listingDoesNotAdvanceRoundRobinOfTheLiveResolver() {
        CatalogIndex idx = catalog().providers(openai, provider(4, "b", List.of(key(41, "k", 1)), model(401, "gpt-4o")))
                .pools(pool(1, "rr", PoolSnapshot.ROUND_ROBIN, member(1, "gpt-4o", 0, 1), member(4, "gpt-4o", 0, 1)))
                .index();
        Resolver live = new Resolver(idx);

        ModelListing.visible(idx, openGroup());

        assertThat(live.resolve(req("rr", openGroup())).candidates().get(0).provider().name()).isEqualTo("openai-a");
    }
}
