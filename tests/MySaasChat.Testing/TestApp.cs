using System.IdentityModel.Tokens.Jwt;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using MySaasChat.Hosting;

namespace MySaasChat.Testing;

/// <summary>
/// The real program, composed as `serve` composes it, on an in-memory test server with its own
/// data folder. Settings stand in for environment variables.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, string dataDir)
    {
        App = app;
        DataDir = dataDir;
        Client = CreateClient();
    }

    public WebApplication App { get; }
    public string DataDir { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => App.Services;
    public TestServer Server => App.GetTestServer();

    public static async Task<TestApp> StartAsync(
        IDictionary<string, string?>? settings = null,
        IReadOnlyList<IModule>? modules = null,
        string? target = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "mysaaschat-tests", Guid.NewGuid().ToString("N"));
        var all = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = dataDir,
            ["LOG_LEVEL"] = "warn",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            all[k] = v;
        }
        var app = MySaasChatApp.Build(new AppArguments
        {
            Target = target,
            Settings = all,
            Modules = modules,
            UseTestServer = true,
            Configure = configure,
        });
        await MySaasChatApp.PrepareAsync(app);
        await app.StartAsync();
        return new TestApp(app, dataDir);
    }

    public HttpClient CreateClient(string? bearer = null)
    {
        var client = App.GetTestClient();
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        return client;
    }

    /// <summary>An access token as Identity issues it, for tests of modules that only validate tokens.</summary>
    public string MintToken(Guid userId, string email = "user@example.com", string role = "user", string plan = "free",
        Guid? sessionId = null, TimeSpan? lifetime = null)
    {
        var jwt = Services.GetRequiredService<JwtOptions>();
        var now = DateTime.UtcNow;
        var token = new JwtSecurityToken(
            jwt.Issuer, jwt.Audience,
            [
                new Claim("sub", userId.ToString()),
                new Claim("email", email),
                new Claim("role", role),
                new Claim("plan", plan),
                new Claim("sid", (sessionId ?? Guid.NewGuid()).ToString()),
                new Claim("jti", Guid.NewGuid().ToString()),
            ],
            now, now + (lifetime ?? TimeSpan.FromMinutes(15)),
            new SigningCredentials(jwt.SigningKey, SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

public static class Eventually
{
    /// <summary>Polls until the condition holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s waiting for: {what}");
            await Task.Delay(100);
        }
    }
}
