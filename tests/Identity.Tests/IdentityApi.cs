extern alias identity;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Contracts;
using identity::MySaasChat.Modules.Identity.Data;
using MySaasChat.Testing;

namespace MySaasChat.Identity.Tests;

/// <summary>Calls the Identity API the way a client does, and reads what it published from its outbox.</summary>
public static class IdentityApi
{
    public const string Password = "Blue-Harbor-Lantern-42";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Settings for tests that are not about rate limits: the limits stay out of the way.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AUTH_RATE_LIMIT_MAX_REQUESTS"] = "100000",
            ["RATE_LIMIT_MAX_REQUESTS"] = "100000",
        };
        foreach (var (k, v) in extra) settings[k] = v;
        return settings;
    }

    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";

    public static async Task<TokenResponse> SignUpAsync(this TestApp app, string? email = null, string password = Password, string name = "Ada")
    {
        var response = await app.Client.PostAsJsonAsync("/api/auth/signup", new { email = email ?? NewEmail(), password, name });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(Json))!;
    }

    public static Task<HttpResponseMessage> PostSignInAsync(this TestApp app, string email, string password = Password, string? totp = null, string? userAgent = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/signin") { Content = JsonContent.Create(new { email, password, totp }) };
        if (userAgent is not null) request.Headers.UserAgent.ParseAdd(userAgent);
        return app.Client.SendAsync(request);
    }

    public static async Task<TokenResponse> SignInAsync(this TestApp app, string email, string password = Password, string? totp = null)
    {
        var response = await app.PostSignInAsync(email, password, totp);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(Json))!;
    }

    public static Task<HttpResponseMessage> RefreshAsync(this TestApp app, string refreshToken) =>
        app.Client.PostAsJsonAsync("/api/auth/refresh", new { refreshToken });

    public static async Task<string?> CodeOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (string.IsNullOrEmpty(body)) return null;
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
    }

    public static async Task<string?> FieldOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.TryGetProperty("field", out var c) ? c.GetString() : null;
    }

    public static HttpRequestMessage Authorized(HttpMethod method, string url, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    public static Task<HttpResponseMessage> SendAsync(this TestApp app, HttpMethod method, string url, string token, object? body = null) =>
        app.Client.SendAsync(Authorized(method, url, token, body));

    public static async Task SetDisabledAsync(this TestApp app, Guid userId, bool disabled)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Disabled, disabled));
    }

    /// <summary>Events the module wrote to its outbox, newest last, as (type, payload).</summary>
    public static async Task<List<(string Type, JsonElement Payload)>> EventsAsync(this TestApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var rows = await db.OutboxMessages.AsNoTracking().ToListAsync();
        return rows.OrderBy(r => r.OccurredAt).Select(r => (r.Type, JsonDocument.Parse(r.Payload).RootElement.Clone())).ToList();
    }

    /// <summary>The raw token the last email event of that type carried for that address (what the email's link holds).</summary>
    public static async Task<string> TokenMailedToAsync(this TestApp app, string eventType, string email)
    {
        var events = await app.EventsAsync();
        var match = events.Last(e => e.Type == eventType && e.Payload.GetProperty("email").GetString() == email.ToLowerInvariant());
        return match.Payload.GetProperty("token").GetString()!;
    }
}
