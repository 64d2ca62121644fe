using System.Net;
using Microsoft.Playwright;
using MySaasChat.Testing;

namespace MySaasChat.Browser.Tests;

/// <summary>The real program on the embedded defaults, and Debian's Chromium driven by Playwright (no browser download).</summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public ProgramProcess Program { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl => Program.BaseAddress.ToString().TrimEnd('/');

    public static string Artifacts
    {
        get
        {
            var dir = Path.Combine(ProgramProcess.RepositoryRoot, "tests", "Browser.Tests", "artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium))
        {
            throw new InvalidOperationException($"{Chromium} is missing: apt-get install -y --no-install-recommends chromium");
        }
        var settings = new Dictionary<string, string?>
        {
            // Plain HTTP on 127.0.0.1: the refresh cookie cannot be Secure here.
            ["AUTH_COOKIE_SECURE"] = "false",
            // Slow enough that a test sees the answer arrive in pieces.
            ["CHAT_OFFLINE_DELAY_MS"] = "60",
            // GitHub sign-in turned on; the test stops the browser at GitHub's door.
            ["GITHUB_CLIENT_ID"] = "browser-test-client",
            ["GITHUB_CLIENT_SECRET"] = "browser-test-secret",
        };
        foreach (var (k, v) in Settings) settings[k] = v;
        Program = ProgramProcess.Start(settings);
        await Program.WaitForAsync("/health", HttpStatusCode.OK, TimeSpan.FromSeconds(90));
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>Settings a fixture adds to the program's environment.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public async Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(30_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Program is not null) await Program.DisposeAsync();
    }
}

[CollectionDefinition("browser")]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;

/// <summary>A program whose free plan allows almost nothing, to see the over-quota message.</summary>
public sealed class TinyQuotaFixture : BrowserFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?> { ["FREE_MONTHLY_TOKEN_QUOTA"] = "50" };
}

[CollectionDefinition("browser-tiny-quota")]
public sealed class TinyQuotaCollection : ICollectionFixture<TinyQuotaFixture>;
