using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MySaasChat.Contracts;
using MySaasChat.Integration.Tests.Platform;
using MySaasChat.Testing;

namespace MySaasChat.Integration.Tests.Identity;

/// <summary>Identity on PostgreSQL, Redis and RabbitMQ, with two instances sharing them as in production.</summary>
public sealed class IdentityOnRealServersTests
{
    private const string Password = "Blue-Harbor-Lantern-42";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static async Task<Dictionary<string, string?>> SettingsAsync(string authLimit = "1000")
    {
        var settings = await TestServers.ProductionSettingsAsync();
        settings["AUTH_RATE_LIMIT_MAX_REQUESTS"] = authLimit;
        return settings;
    }

    private static async Task<HttpStatusCode> MeAsync(TestApp app, string token)
    {
        using var client = app.CreateClient(token);
        return (await client.GetAsync("/api/auth/me")).StatusCode;
    }

    private static async Task<TokenResponse> ReadTokensAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<TokenResponse>(Json))!;

    [Fact]
    public async Task Sign_up_sign_in_refresh_and_sign_out_on_postgresql_and_redis()
    {
        var settings = await SettingsAsync();
        try
        {
            await using var app = await TestApp.StartAsync(settings);
            var email = $"pg-{Guid.NewGuid():N}@example.com";
            var signup = await app.Client.PostAsJsonAsync("/api/auth/signup", new { email, password = Password, name = "Ada" });
            signup.StatusCode.ShouldBe(HttpStatusCode.Created, await signup.Content.ReadAsStringAsync());

            var signin = await app.Client.PostAsJsonAsync("/api/auth/signin", new { email = email.ToUpperInvariant(), password = Password });
            signin.StatusCode.ShouldBe(HttpStatusCode.OK);
            var tokens = await ReadTokensAsync(signin);
            (await MeAsync(app, tokens.AccessToken)).ShouldBe(HttpStatusCode.OK);

            var refreshed = await app.Client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken });
            refreshed.StatusCode.ShouldBe(HttpStatusCode.OK);
            var rotated = await ReadTokensAsync(refreshed);
            rotated.RefreshToken.ShouldNotBe(tokens.RefreshToken);

            var reuse = await app.Client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = tokens.RefreshToken });
            reuse.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await app.Client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = rotated.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

            var again = await ReadTokensAsync(await app.Client.PostAsJsonAsync("/api/auth/signin", new { email, password = Password }));
            using (var client = app.CreateClient(again.AccessToken))
            {
                (await client.PostAsync("/api/auth/signout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            }
            (await MeAsync(app, again.AccessToken)).ShouldBe(HttpStatusCode.Unauthorized);
            (await app.Client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = again.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
        finally
        {
            await Broker.DeleteAsync(settings["RABBITMQ_PREFIX"]!, "identity");
        }
    }

    [Fact]
    public async Task A_session_revoked_on_one_instance_is_refused_by_another_within_a_minute()
    {
        var settings = await SettingsAsync();
        try
        {
            await using var a = await TestApp.StartAsync(settings);
            await using var b = await TestApp.StartAsync(settings);
            var email = $"rev-{Guid.NewGuid():N}@example.com";
            var tokens = await ReadTokensAsync(await a.Client.PostAsJsonAsync("/api/auth/signup", new { email, password = Password, name = "Ada" }));
            // Instance b has seen the session as valid (and remembers that for a while).
            (await MeAsync(b, tokens.AccessToken)).ShouldBe(HttpStatusCode.OK);

            using (var client = a.CreateClient(tokens.AccessToken))
            {
                (await client.PostAsync("/api/auth/signout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            }
            (await MeAsync(a, tokens.AccessToken)).ShouldBe(HttpStatusCode.Unauthorized);
            await Eventually.TrueAsync(async () => await MeAsync(b, tokens.AccessToken) == HttpStatusCode.Unauthorized,
                TimeSpan.FromSeconds(60), "the other instance to refuse the revoked session's access token");
        }
        finally
        {
            await Broker.DeleteAsync(settings["RABBITMQ_PREFIX"]!, "identity");
        }
    }

    [Fact]
    public async Task The_sign_in_rate_limit_holds_across_instances_through_redis()
    {
        var settings = await SettingsAsync(authLimit: "4");
        try
        {
            await using var a = await TestApp.StartAsync(settings);
            await using var b = await TestApp.StartAsync(settings);
            var unknown = new { email = "nobody@example.com", password = "Whatever-123" };
            (await a.Client.PostAsJsonAsync("/api/auth/signin", unknown)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await a.Client.PostAsJsonAsync("/api/auth/signin", unknown)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await b.Client.PostAsJsonAsync("/api/auth/signin", unknown)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await b.Client.PostAsJsonAsync("/api/auth/signin", unknown)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await a.Client.PostAsJsonAsync("/api/auth/signin", unknown)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            (await b.Client.PostAsJsonAsync("/api/auth/signin", unknown)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        }
        finally
        {
            await Broker.DeleteAsync(settings["RABBITMQ_PREFIX"]!, "identity");
        }
    }

    [Fact]
    public async Task The_auth_target_serves_identity_alone_on_the_production_parts()
    {
        var settings = await SettingsAsync();
        settings["MIGRATE_ON_START"] = "true"; // a service target migrates only when told to
        try
        {
            await using var app = await TestApp.StartAsync(settings, target: "auth");
            var email = $"auth-{Guid.NewGuid():N}@example.com";
            (await app.Client.PostAsJsonAsync("/api/auth/signup", new { email, password = Password, name = "Ada" })).StatusCode.ShouldBe(HttpStatusCode.Created);
            var health = await app.Client.GetFromJsonAsync<HealthReportBody>("/health/detailed", Json);
            health!.Checks.ShouldContain(c => c.Name == "database:identity" && c.Status == "healthy");
        }
        finally
        {
            await Broker.DeleteAsync(settings["RABBITMQ_PREFIX"]!, "identity");
        }
    }
}
