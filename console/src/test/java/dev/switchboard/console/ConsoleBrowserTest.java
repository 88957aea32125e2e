package dev.switchboard.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.console.fake.ConsoleTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

/**
 * The console in a real Chromium: sign-in through an OIDC login form, the flows, the viewer's
 * read-only pages, inline API errors, the down banner, no secret in served HTML or the log. The
 * management APIs are in-test fakes ({@code FakeManagementApis}) that answer like the real services.
 */
@QuarkusTest
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
@QuarkusTestResource(value = ConsoleTestResource.class, restrictToAnnotatedClass = true)
class ConsoleBrowserTest {

    static final List<String> PAGES = List.of("/", "/providers", "/models", "/pools", "/clusters", "/routes", "/users",
            "/groups", "/keys", "/usage", "/cooldowns");

    @TestHTTPResource("/")
    URL url;

    String base;

    @BeforeEach
    void setUp() {
        String missing = "Debian's chromium and chromium-driver are needed (apt-get install chromium chromium-driver)";
        if ("true".equals(System.getenv("CI"))) {
            assertThat(Browser.available()).as(missing).isTrue(); // CI installs them: never skip there
        }
        assumeTrue(Browser.available(), missing);
        base = url.toString().replace("localhost", "127.0.0.1").replaceAll("/$", "");
    }

    private void signIn(Browser b, String path, String user) {
        b.open(base + path);
        b.type("#username", user);
        b.type("#password", user + "-pass");
        b.find("#kc-login").click();
        b.waitForText("#who-role", user);
    }

    @Test
    void adminBuildsACatalogAndATenantKeyAndSeesTheClusterInRouteExplain() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 6);
        String upstreamSecret = "sk-upstream-" + UUID.randomUUID();
        String provider = "prov-" + run, model = "fast-" + run, pool = "pool-" + run, cluster = "cluster-" + run;
        try (Browser b = new Browser()) {
            signIn(b, "/providers", "admin");
            assertThat(b.find("#who-name").getText()).isEqualTo("admin");

            // provider with a key: the secret comes back masked to its last four
            b.type("#provider-form [name=name]", provider);
            b.type("#provider-form [name=baseUrl]", "http://127.0.0.1:8090/v1");
            b.find("#provider-form button").click();
            b.waitForText("#pd-name", provider);
            b.type("#key-form [name=label]", "main");
            b.type("#key-form [name=secret]", upstreamSecret);
            b.find("#key-form button").click();
            b.waitForText("#provider-keys .masked", "••••" + upstreamSecret.substring(upstreamSecret.length() - 4));

            // the same name again: the API's problem detail is shown inline
            b.type("#provider-form [name=name]", provider);
            b.type("#provider-form [name=baseUrl]", "http://127.0.0.1:8090/v1");
            b.find("#provider-form button").click();
            b.waitForText("#provider-form .error", "name '" + provider + "' is already used");
            assertThat(b.driver.getPageSource()).doesNotContain("Exception").doesNotContain("at dev.switchboard");

            // model, pool, cluster
            b.open(base + "/models");
            b.until(d -> d.findElements(By.cssSelector("#model-form select[name=provider] option")).size() > 0 ? true : null);
            new org.openqa.selenium.support.ui.Select(b.find("#model-form select[name=provider]")).selectByVisibleText(provider);
            b.type("#model-form [name=name]", model);
            b.type("#model-form [name=upstreamName]", "gpt-4o-mini");
            b.type("#model-form [name=inputPricePerMTok]", "0.15");
            b.type("#model-form [name=outputPricePerMTok]", "0.6");
            b.find("#model-form button").click();
            b.waitForText("#models tbody", model);
            b.waitForText("#models tbody", "$0.6");
            b.driver.findElements(By.cssSelector("#models tbody tr")).stream().filter(tr -> tr.getText().contains(model))
                    .findFirst().orElseThrow().findElement(By.xpath(".//button[text()='Prices']")).click();
            b.type("#models .price-out", "0.8");
            b.find("#models tbody").findElement(By.xpath(".//button[text()='Save prices']")).click();
            b.waitForText("#models tbody", "$0.8");

            b.open(base + "/pools");
            b.type("#pool-form [name=name]", pool);
            b.type("#pool-form [name=members]", provider + "/" + model);
            b.find("#pool-form button").click();
            b.waitForText("#pools tbody", pool);
            b.waitForText("#pools tbody", provider + "/" + model);
            WebElement strategy = b.driver.findElements(By.cssSelector("#pools tbody tr")).stream()
                    .filter(tr -> tr.getText().contains(pool)).findFirst().orElseThrow().findElement(By.cssSelector("select.strategy"));
            new org.openqa.selenium.support.ui.Select(strategy).selectByVisibleText("round_robin");
            b.until(d -> d.findElements(By.cssSelector("#pools tbody tr")).stream().filter(tr -> tr.getText().contains(pool))
                    .anyMatch(tr -> new org.openqa.selenium.support.ui.Select(tr.findElement(By.cssSelector("select.strategy")))
                            .getFirstSelectedOption().getText().equals("round_robin")) ? true : null);

            b.open(base + "/clusters");
            b.type("#cluster-form [name=name]", cluster);
            b.type("#cluster-form [name=members]", pool);
            b.find("#cluster-form button").click();
            b.waitForText("#clusters tbody", cluster);

            // tenant: user, group, key; the plaintext shown once
            b.open(base + "/users");
            b.type("#user-form [name=name]", "Tenant " + run);
            b.type("#user-form [name=email]", run + "@example.com");
            b.type("#user-form [name=balanceUsd]", "25");
            b.find("#user-form button").click();
            b.waitForText("#users tbody", run + "@example.com");
            b.open(base + "/groups");
            b.type("#group-form [name=name]", "group-" + run);
            b.find("#group-form button").click();
            b.waitForText("#groups tbody", "group-" + run);
            // the routing map as an editable table: pattern → targets
            b.driver.findElements(By.cssSelector("#groups .group-link")).stream()
                    .filter(e -> e.getText().equals("group-" + run)).findFirst().orElseThrow().click();
            b.waitForText("#gd-name", "group-" + run);
            b.find("#routing-add").click();
            b.type("#routing-map tbody tr:last-child .pattern", "claude-*");
            b.type("#routing-map tbody tr:last-child .targets", "coding-fast, provider:anthropic");
            b.find("#routing-enabled").click();
            b.find("#routing-save").click();
            b.find("#routing-ok");
            b.waitForText("#groups tbody", "1 patterns");

            b.open(base + "/keys");
            b.until(d -> d.findElements(By.cssSelector("#tenant-key-form select[name=groupId] option")).size() > 0 ? true : null);
            b.type("#tenant-key-form [name=name]", "key-" + run);
            new org.openqa.selenium.support.ui.Select(b.find("#tenant-key-form select[name=userId]"))
                    .selectByVisibleText("Tenant " + run + " <" + run + "@example.com>");
            new org.openqa.selenium.support.ui.Select(b.find("#tenant-key-form select[name=groupId]")).selectByVisibleText("group-" + run);
            b.find("#tenant-key-form button[type=submit]").click();
            WebElement shown = b.find("#new-key");
            b.until(d -> shown.getText().startsWith("sk-sb-") ? true : null);
            String tenantKey = shown.getText();
            assertThat(b.find("#new-key-box .warning").getText()).contains("shown only this once");
            assertThat(b.find("#copy-key").isDisplayed()).isTrue();
            b.waitForText("#tenant-keys tbody", "key-" + run);
            b.open(base + "/keys");
            b.waitForText("#tenant-keys tbody", "key-" + run);
            assertThat(b.driver.getPageSource()).as("the plaintext is shown exactly once").doesNotContain(tenantKey);
            b.driver.findElements(By.cssSelector("#tenant-keys tbody tr")).stream().filter(tr -> tr.getText().contains("key-" + run))
                    .findFirst().orElseThrow().findElement(By.xpath(".//button[text()='Expiry / IPs']")).click();
            b.type("#tenant-keys .key-allow", "127.0.0.0/8"); // explain below comes from the console on loopback
            b.find("#tenant-keys tbody").findElement(By.xpath(".//button[text()='Save']")).click();
            b.waitForText("#tenant-keys tbody", "127.0.0.0/8 / –");

            // route explain with that key shows the cluster, the pool and the translated upstream name
            b.open(base + "/routes");
            b.type("#explain-key", tenantKey);
            b.type("#explain-model", cluster);
            b.waitForText("#explain-via", "cluster:" + cluster);
            b.waitForText("#explain-candidates tbody", "cluster:" + cluster + " > pool:" + pool);
            b.waitForText("#explain-candidates tbody", "→ gpt-4o-mini");
            b.waitForText("#explain-candidates tbody", "main");

            // no secret in any page the console serves, nor in its log
            for (String page : PAGES) {
                Map<String, Object> res = b.fetch("GET", page, null, false);
                assertThat(res.get("status")).as(page).isEqualTo(200L);
                assertThat((String) res.get("text")).as(page).doesNotContain(upstreamSecret).doesNotContain(tenantKey);
            }
            Path log = Path.of("target/console-test.log");
            if (Files.exists(log)) {
                assertThat(Files.readString(log)).doesNotContain(upstreamSecret).doesNotContain(tenantKey);
            }
        }
    }

    @Test
    void dashboardRefreshesItsChartsWithoutReloadAndIsPhotographed() throws Exception {
        try (Browser b = new Browser()) {
            signIn(b, "/", "admin");
            b.script("localStorage.setItem('sb.refreshMs', '700'); location.reload();");
            b.waitForText("#refresh-secs", "0.7");
            b.script("window.__sameDocument = true;");
            b.until(d -> !b.find("#t-rps").getText().equals("–") ? true : null);
            b.waitForText("#t-spend", "$1.25");
            b.until(d -> d.findElements(By.cssSelector("#chart-rps path")).size() == 2 ? true : null);
            String first = b.find("#chart-rps path").getAttribute("d");
            b.until(d -> !b.find("#chart-rps path").getAttribute("d").equals(first) ? true : null);
            assertThat(b.script("return window.__sameDocument === true")).as("no reload").isEqualTo(true);
            assertThat(b.find("#t-latency").getText()).contains("ms");
            Thread.sleep(6000); // a dozen points, so the picture shows lines
            Path shot = Path.of(System.getProperty("console.screenshot", "target/console-dashboard.png"));
            Files.createDirectories(shot.toAbsolutePath().getParent());
            Files.write(shot, b.driver.getScreenshotAs(OutputType.BYTES));
            b.script("localStorage.removeItem('sb.refreshMs');");
        }
    }

    @Test
    void adminClearsACooldownFromTheLiveList() throws Exception {
        try (Browser b = new Browser()) {
            signIn(b, "/cooldowns", "admin");
            b.waitForText("#cooldowns tbody", "key_model:7:gpt-4o");
            b.find("#cooldowns tbody button").click();
            b.until(d -> d.findElements(By.cssSelector("#cooldowns tbody tr")).isEmpty() ? true : null);
            b.find("#cooldowns-empty");
        }
    }

    @Test
    void viewerFindsNoEditControlAndAWriteIsRefusedByTheApi() throws Exception {
        try (Browser b = new Browser()) {
            signIn(b, "/providers", "viewer");
            for (String page : PAGES) {
                b.open(base + page);
                b.find("#who-role");
                Thread.sleep(300); // let the page script render its rows
                assertThat(b.driver.findElements(By.cssSelector(".edit"))).as(page + " edit controls").isEmpty();
                assertThat(b.driver.findElements(By.cssSelector("main form button[type=submit]")))
                        .as(page + " submit buttons").allMatch(e -> e.getText().equals("Show"));
            }
            Map<String, Object> res = b.fetch("POST", "/api/catalog/admin/providers",
                    "{\"name\":\"sneaky\",\"protocol\":\"openai\",\"baseUrl\":\"http://127.0.0.1:1/v1\"}", true);
            assertThat(res.get("status")).as("refused by catalog-service itself").isEqualTo(403L);
            b.open(base + "/providers");
            b.find("#providers");
            Thread.sleep(500);
            assertThat(b.driver.getPageSource()).doesNotContain("sneaky");
        }
    }

    @Test
    void usageIsATableAChartAndACsvExport() throws Exception {
        try (Browser b = new Browser()) {
            signIn(b, "/usage", "admin");
            b.waitForText("#usage tbody", java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
            new org.openqa.selenium.support.ui.Select(b.find("#usage-form select[name=groupBy]")).selectByVisibleText("model");
            b.find("#usage-form button").click();
            b.waitForText("#usage tbody", "coding-fast");
            b.waitForText("#u-cost", "$3.75");
            assertThat(b.driver.findElements(By.cssSelector("#chart-usage rect"))).hasSize(2);
            String href = b.find("#usage-csv").getAttribute("href");
            assertThat(href).contains("groupBy=model");
            Map<String, Object> csv = b.fetch("GET", href, null, false);
            assertThat(csv.get("status")).isEqualTo(200L);
            assertThat((String) csv.get("text")).startsWith("model,requests,promptTokens,completionTokens,costUsd\n")
                    .contains("coding-fast,120,48000,9000,1.25");
        }
    }

    @Test
    void theProxyRefusesWritesWithoutTheConsoleHeaderAndNonManagementPaths() throws Exception {
        try (Browser b = new Browser()) {
            signIn(b, "/", "admin");
            Map<String, Object> noHeader = b.fetch("POST", "/api/catalog/admin/providers", "{\"name\":\"x\"}", false);
            assertThat(noHeader.get("status")).isEqualTo(403L);
            assertThat((String) noHeader.get("text")).contains("X-Console");
            Map<String, Object> internal = b.fetch("GET", "/api/auth/internal/v1/auth-snapshots/abc", null, false);
            assertThat(internal.get("status")).isEqualTo(404L);
            Map<String, Object> dotted = b.fetch("GET", "/api/auth/admin/..%2f..%2fq/metrics", null, false);
            assertThat(dotted.get("status")).isEqualTo(404L);
        }
    }

    @Test
    void aSlowApiShowsTheSpinnerUntilItAnswers() throws Exception {
        try (Browser b = new Browser()) {
            signIn(b, "/", "admin");
            control("/fake/catalog-delay?ms=2500");
            try {
                b.open(base + "/providers");
                b.find("#spinner");
                b.until(d -> !d.findElement(By.id("spinner")).isDisplayed() ? true : null);
            } finally {
                control("/fake/catalog-delay?ms=0");
            }
        }
    }

    private static void control(String path) throws Exception {
        java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(ConsoleTestResource.authUrl() + path))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding());
    }

    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void aDownApiShowsABannerNotAStackTrace() throws Exception {
        try (Browser b = new Browser()) {
            signIn(b, "/cooldowns", "admin");
            b.find("#who-role");
            java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(ConsoleTestResource.authUrl() + "/fake/relay-down"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
            b.waitForText("#banner", "relay-service is not answering");
            assertThat(b.find("#cooldowns-error").getText()).contains("relay-service is unreachable");
            assertThat(b.driver.getPageSource()).doesNotContain("Exception");
        }
    }

    @Test
    void signOutEndsTheSession() throws Exception {
        try (Browser b = new Browser()) {
            signIn(b, "/", "admin");
            b.find("#sign-out").click();
            b.waitForText("#signed-out", "signed out");
            b.open(base + "/providers");
            b.find("#username"); // back at the identity provider's login form
        }
    }
}
