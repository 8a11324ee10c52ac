package io.sluice.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;
import org.junit.runners.MethodSorters;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at {@code /app/sluice} in a real headless Chromium, against the real distribution started with
 * {@code bin/sluice}: log in, identify a stream and review the result, cancel a long identification, read as a
 * viewer, and live through a restart of the node without a reload. A screenshot of every step goes to
 * {@code target/screenshots/} (and of the moment a step fails).
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them): without them the test
 * fails saying so, it is never skipped.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class WebPageIT {

    private static final String ADMIN_PASSWORD = "web-" + Long.toHexString(System.nanoTime());
    private static final String VIEWER_PASSWORD = "view-" + Long.toHexString(System.nanoTime());
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    /** A log line that is also markup and script: it must show as text and never run. */
    private static final String HOSTILE = "2024-01-01 00:00:00,000 WARN [main] evil.Logger: <img src=x "
        + "onerror=\"window.__pwned=1\"><script>window.__pwned=2</script> payload";

    private static DistributionNode node;
    private static WebDriver browser;
    private static int shot;

    @Rule
    public final TestWatcher onFailure = new TestWatcher() {
        @Override
        protected void failed(Throwable e, Description description) {
            screenshot("FAILED-" + description.getMethodName());
        }
    };

    @BeforeClass
    public static void startNodeAndBrowser() throws Exception {
        for (String binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!new File(binary).canExecute()) {
                throw new AssertionError("the browser tests need " + binary + ": apt-get install chromium chromium-driver "
                    + "(.ci/run does it; see the README)");
            }
        }
        Files.createDirectories(SCREENSHOTS);
        node = DistributionNode.install("web-page-it", ADMIN_PASSWORD);
        node.env.put("SLUICE_VIEWER_PASSWORD", VIEWER_PASSWORD);
        node.sluiceOk(300, "start");
        Path samples = Path.of(System.getProperty("sluice.loghub"));
        ingest("logs.web", Files.readString(samples.resolve("HDFS_1k.log")) + Files.readString(samples.resolve("Mac_1k.log"))
            + HOSTILE + "\n");
        StringBuilder big = new StringBuilder();
        for (int copy = 0; copy < 6; copy++) {
            big.append(Files.readString(samples.resolve("HDFS_1k.log"))).append(Files.readString(samples.resolve("Mac_1k.log")));
        }
        ingest("logs.big", big.toString());
        ingest("logs.emptied", "2026-01-01T00:00:00Z one line, deleted before it is identified\n");
        ingest("logs.stale", Files.readString(samples.resolve("HDFS_1k.log")));
        ingest("logs.held", Files.readString(samples.resolve("Mac_1k.log")));

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterClass
    public static void stopBrowserAndNode() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (node != null) {
            node.sluice(120, "stop");
        }
    }

    @Test
    public void t1_identifyReviewKeepTwoAndAcknowledge() {
        logIn("admin", ADMIN_PASSWORD);
        screenshot("logged-in-streams");
        click(By.cssSelector("a[data-stream='logs.web']"));
        await(By.id("identify"));
        screenshot("stream-not-started");
        click(By.id("identify"));
        // The progress shows while it runs; a fast run may be done before the page draws it.
        await(ExpectedConditions.or(
            ExpectedConditions.presenceOfElementLocated(By.cssSelector("#identification[data-status='in_progress']")),
            ExpectedConditions.presenceOfElementLocated(By.cssSelector("#identification[data-status='completed']"))));
        screenshot("stream-in-progress-or-done");
        await(By.cssSelector("#identification[data-status='completed']"));
        await(By.id("review"));
        screenshot("stream-completed-review");

        // Every log line shows as text: the hostile line's markup is there, literally, and none of it ran.
        assertTrue(browser.getPageSource().contains("&lt;script&gt;window.__pwned=2&lt;/script&gt;"));
        assertNull("a log line ran as script", ((JavascriptExecutor) browser).executeScript("return window.__pwned;"));

        List<WebElement> boxes = browser.findElements(By.cssSelector("#review input[type=checkbox]"));
        assertTrue("at least two features to review: " + boxes.size(), boxes.size() >= 2);
        String first = boxes.get(0).getAttribute("data-name");
        String second = boxes.get(1).getAttribute("data-name");
        boxes.get(0).click();
        boxes.get(1).click();
        click(By.id("keep-selected"));
        await(By.cssSelector("#identification[data-status='acknowledged']"));
        await(By.cssSelector("#kept-features tbody tr"));
        List<WebElement> kept = browser.findElements(By.cssSelector("#kept-features tbody tr"));
        assertEquals(2, kept.size());
        assertEquals(List.of(first, second).stream().sorted().toList(),
            kept.stream().map(row -> row.getAttribute("data-feature")).sorted().toList());
        screenshot("stream-acknowledged-kept");

        browser.get(page() + "#/tasks");
        await(By.cssSelector("tr[data-task='streams_feature_identification_logs.web'] [data-status='acknowledged']"));
        screenshot("tasks-list");
        click(By.cssSelector("tr[data-task='streams_feature_identification_logs.web'] a"));
        await(By.cssSelector("#task-history table"));
        screenshot("task-detail");
    }

    @Test
    public void t1b_anIdentificationThatFailsShowsItsErrorAndOffersToTryAgain() throws Exception {
        // A stream whose documents are gone: the task fails with no_documents, as a user's empty time range would.
        HttpResponse<String> emptied = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + node.env.get("SLUICE_OPENSEARCH_PORT") + "/logs.emptied/_delete_by_query?refresh=true"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"query\":{\"match_all\":{}}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(emptied.body(), emptied.body().contains("\"deleted\":1"));
        // Still logged in as admin from t1.
        openStream("logs.emptied");
        click(By.id("identify"));
        await(By.cssSelector("#identification[data-status='failed']"));
        String error = browser.findElement(By.cssSelector("#identification [data-testid='error']")).getText();
        assertTrue(error, error.startsWith("no_documents: "));
        assertTrue(browser.findElement(By.id("identify")).getText().contains("Try again"));
        screenshot("stream-failed");
    }

    @Test
    public void t1c_anIdentificationNoNodeClaimsTurnsStaleWithItsReasonAndRunsOnceASlotFrees() throws Exception {
        // Every slot of the node held by long sleeps: the identification waits unclaimed and, after staleAfter (30 s by
        // default), is reported stale with the reason (SPEC 3), as on a cluster whose nodes are all busy or gone.
        // The sleeps come from the example plugin, installed now as an admin would.
        node.sluiceOk(300, "console", "feature:install sluice-sample-tasks");
        Await.until(WAIT, () -> adminApi("GET", "/api/task_types", null).body().contains("sample_sleep"),
            () -> "sample_sleep never appeared");
        String health = adminApi("GET", "/api/tasks/_health", null).body();
        int capacity = Integer.parseInt(health.replaceAll("(?s).*\"capacity\":(\\d+).*", "$1"));
        List<String> holders = new ArrayList<>();
        try {
            for (int i = 0; i < capacity; i++) {
                holders.add("slot-holder-" + i);
                HttpResponse<String> held = adminApi("POST", "/api/tasks", "{\"type\":\"sample_sleep\",\"id\":\"slot-holder-" + i
                    + "\",\"params\":{\"steps\":1200,\"stepMillis\":250}}");
                assertEquals(held.body(), 201, held.statusCode());
            }
            Await.until(WAIT, () -> adminApi("GET", "/api/tasks/_health", null).body().contains("\"running\":" + capacity + ","),
                () -> "the sleeps did not take every slot");
            openStream("logs.stale");
            click(By.id("identify"));
            await(By.cssSelector("#identification[data-status='stale']"));
            String warning = browser.findElement(By.cssSelector("#identification [data-testid='stale']")).getText();
            assertTrue(warning, warning.startsWith("The task looks stuck: ") && warning.length() > "The task looks stuck: .".length());
            assertTrue(browser.findElement(By.id("identify")).getText().contains("Start again"));
            screenshot("stream-stale");
        } finally {
            for (String holder : holders) {
                adminApi("POST", "/api/tasks/" + holder + "/_cancel", null);
            }
        }
        // A slot is free again: the node claims the waiting task and the page follows it to the end without a reload.
        await(By.cssSelector("#identification[data-status='completed']"));
    }

    @Test
    public void t2_aLongIdentificationIsCanceled() {
        openStream("logs.big");
        await(By.id("identify"));
        click(By.cssSelector("details.options summary"));
        browser.findElement(By.id("sample-size")).sendKeys("10000");
        click(By.id("identify"));
        await(By.id("cancel"));
        screenshot("big-in-progress");
        click(By.id("cancel"));
        // The cancel's own answer is being_canceled: the page shows "Canceling" until the run has stopped.
        await(By.cssSelector("#identification[data-status='being_canceled'], #identification[data-status='canceled']"));
        screenshot("big-canceling");
        await(By.cssSelector("#identification[data-status='canceled']"));
        String seen = browser.findElement(By.id("identification")).getAttribute("data-seen");
        assertTrue("the control showed Canceling, then canceled: " + seen, seen.endsWith("being_canceled canceled"));
        screenshot("big-canceled");
    }

    @Test
    public void t2b_aCancellationTheRunningNodeHasNotFinishedShowsCanceling() throws Exception {
        // Here a run stops within milliseconds of its cancel, faster than a screenshot. On a cluster the run may be on
        // another node, which finishes the cancellation when it sees it: an identification claimed by such a node
        // (stored as that node stores it, its last heartbeat ahead of this clock so that it cannot turn stale while the
        // test looks) stays being_canceled here, and the page says "Canceling" as long as it does.
        String id = "streams_feature_identification_logs.held";
        String now = java.time.Instant.now().toString();
        String beat = java.time.Instant.now().plus(Duration.ofMinutes(5)).toString();
        String document = "{\"id\":\"" + id + "\",\"type\":\"streams_feature_identification\",\"status\":\"in_progress\","
            + "\"stream\":\"logs.held\",\"space\":\"default\",\"owner\":\"admin\",\"created_at\":\"" + now + "\","
            + "\"updated_at\":\"" + now + "\",\"heartbeat_at\":\"" + beat + "\",\"node\":\"another-node\",\"attempt\":1,"
            + "\"task\":{\"params\":{},\"progress\":{\"phase\":\"sampling\"},\"attempts\":[{\"attempt\":1,\"node\":\"another-node\","
            + "\"started_at\":\"" + now + "\"}]}}";
        HttpResponse<String> stored = opensearch("PUT", "/.sluice-tasks/_doc/default:" + id + "?refresh=true", document);
        assertTrue(stored.body(), stored.statusCode() == 201);
        try {
            openStream("logs.held");
            await(By.cssSelector("#identification[data-status='in_progress'] #cancel"));
            screenshot("stream-in-progress-on-another-node");
            click(By.id("cancel"));
            await(By.cssSelector("#identification[data-status='being_canceled'] [data-testid='canceling']"));
            screenshot("stream-canceling");
        } finally {
            opensearch("DELETE", "/.sluice-tasks/_doc/default:" + id + "?refresh=true", null);
        }
    }

    @Test
    public void t3_aViewerSeesTheStreamAndItsFeaturesButCannotSchedule() {
        click(By.id("logout"));
        await(By.id("login"));
        logIn("viewer", VIEWER_PASSWORD);
        openStream("logs.web");
        await(By.cssSelector("#kept-features tbody tr"));
        await(By.cssSelector("[data-testid='read-only']"));
        assertTrue(browser.findElements(By.id("identify")).isEmpty());
        assertTrue(browser.findElements(By.id("keep-selected")).isEmpty());
        screenshot("viewer-stream");
    }

    @Test
    public void t4_theNodeRestartsWhileThePageIsOpenAndThePageRecoversWithoutAReload() throws Exception {
        browser.get(page() + "#/tasks");
        await(By.cssSelector("#tasks tbody tr"));
        ((JavascriptExecutor) browser).executeScript("window.__sameDocument = true;");
        node.sluiceOk(120, "stop");
        await(ExpectedConditions.visibilityOfElementLocated(By.id("connection")));
        assertTrue(browser.findElement(By.id("connection")).getText().contains("cannot be reached"));
        screenshot("node-down");
        node.sluiceOk(300, "start");
        await(ExpectedConditions.invisibilityOfElementLocated(By.id("connection")));
        await(By.cssSelector("#tasks tbody tr"));
        assertEquals("the page was not reloaded", Boolean.TRUE,
            ((JavascriptExecutor) browser).executeScript("return window.__sameDocument === true;"));
        assertTrue("still logged in after the restart", browser.findElements(By.id("login")).isEmpty());
        screenshot("node-back");
    }

    @Test
    public void t5_sessionsAndForgeryAtTheEdge() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(node.http() + "/internal/security/login"))
            .header("Content-Type", "application/json").header("kbn-xsrf", "t")
            .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(login.body(), 200, login.statusCode());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie, cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age="));
        String session = cookie.substring(0, cookie.indexOf(';'));
        // A form another site posts carries no kbn-xsrf: refused, whatever the cookie.
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(node.http()
                + "/internal/streams/logs.web/features/_identify?schedule=true&from=0&to=1"))
            .header("Cookie", session).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("x=1")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(forged.body(), 400, forged.statusCode());
        assertTrue(forged.body(), forged.body().contains("kbn-xsrf"));
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(page())).build(), HttpResponse.BodyHandlers.ofString());
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy, policy.contains("script-src 'self'") && !policy.contains("unsafe-inline")
            && policy.contains("frame-ancestors 'none'"));
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
        // Logout ends the session: the cookie no longer works.
        http.send(HttpRequest.newBuilder(URI.create(node.http() + "/internal/security/logout")).header("Cookie", session)
            .header("kbn-xsrf", "t").POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(node.http() + "/internal/security/me"))
            .header("Cookie", session).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    public void t6_karafsWebConsoleShowsASluicePageOnceItsFeatureIsInstalled() throws Exception {
        node.sluiceOk(300, "console", "feature:install sluice-webconsole");
        String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String>[] last = new HttpResponse[1];
        Await.until(WAIT, () -> {
            try {
                last[0] = http.send(HttpRequest.newBuilder(URI.create(node.http() + "/system/console/sluice"))
                    .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return last[0].statusCode() == 200 && last[0].body().contains("Task types");
        }, () -> last[0] == null ? "no answer" : last[0].statusCode() + " " + last[0].body());
        assertTrue(last[0].body(), last[0].body().contains("streams_feature_identification"));
        browser.get(node.http().replace("http://", "http://admin:" + ADMIN_PASSWORD + "@") + "/system/console/sluice");
        screenshot("karaf-web-console");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static String page() {
        return node.http() + "/app/sluice";
    }

    private static void logIn(String user, String password) {
        browser.get(page());
        await(By.id("login"));
        browser.findElement(By.id("username")).clear();
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        click(By.id("login"));
        await(By.id("logout"));
        await(ExpectedConditions.visibilityOfElementLocated(By.id("logout")));
    }

    private static void click(By locator) {
        // The page renders again when a task's status or progress changes: the element found a moment ago may have
        // been replaced by the time it is clicked. Find it again and click the one that is there.
        new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class).until(d -> {
            WebElement element = ExpectedConditions.elementToBeClickable(locator).apply(d);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        });
    }

    /**
     * Opens a stream's page and waits until it shows that stream. Going from one stream to another changes only the
     * URL's fragment: the page renders the new stream in place, and until it has, the previous stream's buttons are
     * still there to click (a test once started an identification of the stream before).
     */
    private static void openStream(String name) {
        browser.get(page() + "#/streams/" + name);
        await(ExpectedConditions.textToBe(By.tagName("h1"), name));
    }

    private static void await(By locator) {
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.presenceOfElementLocated(locator));
    }

    private static void await(org.openqa.selenium.support.ui.ExpectedCondition<?> condition) {
        new WebDriverWait(browser, WAIT).until(condition);
    }

    private static void screenshot(String name) {
        if (browser == null) {
            return;
        }
        try {
            File file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(file.toPath(), SCREENSHOTS.resolve(String.format("%02d-%s.png", ++shot, name)),
                StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            System.err.println("screenshot " + name + " failed: " + e);
        }
    }

    /** A call to the node's embedded OpenSearch, as another node of the cluster writes to it. */
    private static HttpResponse<String> opensearch(String method, String path, String body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + node.env.get("SLUICE_OPENSEARCH_PORT") + path)).header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** A call to the node's API as admin (basic authentication); a JSON body, or text for an ingest. */
    private static HttpResponse<String> adminApi(String method, String path, String body) {
        String auth = "Basic " + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(node.http() + path))
                .header("Authorization", auth).header("kbn-xsrf", "t")
                .header("Content-Type", path.endsWith("/_ingest") ? "text/plain" : "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + method + " " + path, e);
        }
    }

    private static void ingest(String stream, String lines) throws Exception {
        HttpResponse<String> response = adminApi("POST", "/internal/streams/" + stream + "/_ingest", lines);
        if (response.statusCode() != 200) {
            throw new AssertionError("ingest into " + stream + " failed: " + response.body());
        }
        assertFalse(response.body().contains("\"indexed\":0,"));
    }
}
