using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using MySaasChat.Hosting;

namespace MySaasChat.Modules.Identity.Domain;

public sealed record OAuthProvider(string Name, string ClientId, string ClientSecret, string AuthorizeUrl, string TokenUrl, string UserUrl, string? EmailsUrl, string Scope);

/// <summary>What a provider tells us about the person; only a verified email links or creates an account.</summary>
public sealed record ExternalIdentity(string? Email, bool EmailVerified, string? Name, string? AvatarUrl);

/// <summary>The OAuth providers turned on by their client id (GOOGLE_CLIENT_ID, GITHUB_CLIENT_ID), and where the browser goes after.</summary>
public sealed class OAuthSettings
{
    public const string HttpClientName = "oauth";

    public required IReadOnlyDictionary<string, OAuthProvider> Providers { get; init; }
    public required Uri FrontendUrl { get; init; }

    public static OAuthSettings Load(Settings s)
    {
        var providers = new Dictionary<string, OAuthProvider>(StringComparer.Ordinal);
        if (s.String("GOOGLE_CLIENT_ID") is { } googleId)
        {
            providers["google"] = new OAuthProvider("google", googleId,
                s.Required("GOOGLE_CLIENT_SECRET", "when GOOGLE_CLIENT_ID is set"),
                "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
                "https://openidconnect.googleapis.com/v1/userinfo", null, "openid email profile");
        }
        if (s.String("GITHUB_CLIENT_ID") is { } githubId)
        {
            providers["github"] = new OAuthProvider("github", githubId,
                s.Required("GITHUB_CLIENT_SECRET", "when GITHUB_CLIENT_ID is set"),
                "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token",
                "https://api.github.com/user", "https://api.github.com/user/emails", "read:user user:email");
        }
        var frontend = s.String("FRONTEND_URL") ?? "http://localhost:8080";
        if (!Uri.TryCreate(frontend, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new SettingsException("FRONTEND_URL", $"'{frontend}' must be the http(s) address of the web app, e.g. https://chat.example.com");
        }
        return new OAuthSettings { Providers = providers, FrontendUrl = uri };
    }

    /// <summary>Where the browser lands: a path on the web app only (never another site: no open redirect).</summary>
    public string FrontendPath(string? path, string? error = null)
    {
        var safe = path is { Length: > 0 } && path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal) && !path.Contains('\\') ? path : "/";
        var target = new Uri(FrontendUrl, safe).ToString();
        return error is null ? target : $"{target}{(target.Contains('?') ? '&' : '?')}error={Uri.EscapeDataString(error)}";
    }
}

public static class Pkce
{
    public static string NewVerifier() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    public static string Challenge(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
}

/// <summary>The authorization-code exchange and the user lookups, per provider's documented wire format.</summary>
public sealed class OAuthClient(IHttpClientFactory factory)
{
    public async Task<string?> ExchangeCodeAsync(OAuthProvider provider, string code, string verifier, string redirectUri, CancellationToken ct)
    {
        using var http = factory.CreateClient(OAuthSettings.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, provider.TokenUrl)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = redirectUri,
                ["client_id"] = provider.ClientId,
                ["client_secret"] = provider.ClientSecret,
                ["code_verifier"] = verifier,
            }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) return null;
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("access_token", out var token) && token.ValueKind == JsonValueKind.String
            ? token.GetString()
            : null;
    }

    public async Task<ExternalIdentity?> GetIdentityAsync(OAuthProvider provider, string accessToken, CancellationToken ct)
    {
        using var http = factory.CreateClient(OAuthSettings.HttpClientName);
        var user = await GetJsonAsync(http, provider.UserUrl, accessToken, ct);
        if (user is not { ValueKind: JsonValueKind.Object } u) return null;
        string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        if (provider.EmailsUrl is null)
        {
            // Google (OpenID Connect userinfo): email_verified says whether Google checked the address.
            var verified = u.TryGetProperty("email_verified", out var ev) && (ev.ValueKind == JsonValueKind.True || (ev.ValueKind == JsonValueKind.String && ev.GetString() == "true"));
            return new ExternalIdentity(Str(u, "email"), verified, Str(u, "name"), Str(u, "picture"));
        }
        // GitHub: the profile email may be absent or unverified; /user/emails lists which are verified.
        var emails = await GetJsonAsync(http, provider.EmailsUrl, accessToken, ct);
        string? email = null;
        if (emails is { ValueKind: JsonValueKind.Array } list)
        {
            var verifiedEmails = list.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("verified", out var v) && v.ValueKind == JsonValueKind.True)
                .OrderByDescending(e => e.TryGetProperty("primary", out var p) && p.ValueKind == JsonValueKind.True)
                .Select(e => Str(e, "email"))
                .Where(e => e is not null)
                .ToList();
            email = verifiedEmails.FirstOrDefault();
        }
        return new ExternalIdentity(email, email is not null, Str(u, "name") ?? Str(u, "login"), Str(u, "avatar_url"));
    }

    private static async Task<JsonElement?> GetJsonAsync(HttpClient http, string url, string accessToken, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd("My-SaaS-Chat"); // GitHub refuses requests without one
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode) return null;
        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }
}
