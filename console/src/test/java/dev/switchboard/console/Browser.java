package dev.switchboard.console;

import java.io.File;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver (paths overridable with
 * {@code -Dconsole.chromium=} / {@code -Dconsole.chromedriver=}); nothing is downloaded.
 */
final class Browser implements AutoCloseable {

    static final String CHROMIUM = System.getProperty("console.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("console.chromedriver", "/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final File profile;

    Browser() throws java.io.IOException {
        profile = java.nio.file.Files.createTempDirectory("console-chromium").toFile();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,900", "--user-data-dir=" + profile.getAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    }

    static boolean available() {
        return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    }

    void open(String url) {
        driver.get(url);
    }

    WebElement find(String css) {
        return until(d -> {
            var els = d.findElements(By.cssSelector(css));
            return els.isEmpty() || !els.get(0).isDisplayed() ? null : els.get(0);
        });
    }

    <T> T until(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(15)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    void waitForText(String css, String text) {
        until(d -> d.findElements(By.cssSelector(css)).stream().anyMatch(e -> e.getText().contains(text)) ? true : null);
    }

    void type(String css, String text) {
        WebElement e = find(css);
        e.clear();
        e.sendKeys(text);
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Runs {@code fetch} in the page (same cookies as the operator) and returns {status, text}. */
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> fetch(String method, String url, String body, boolean consoleHeader) {
        return (java.util.Map<String, Object>) ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "const h = {'Content-Type': 'application/json'}; if (arguments[3]) h['X-Console'] = '1';"
                        + "fetch(arguments[1], {method: arguments[0], headers: h, body: arguments[2] || undefined})"
                        + ".then(r => r.text().then(t => done({status: r.status, text: t})))"
                        + ".catch(e => done({status: -1, text: String(e)}));",
                method, url, body, consoleHeader);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
