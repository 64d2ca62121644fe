using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Endpoints;

/// <summary>
/// Sign-in with Google or GitHub: authorization code + PKCE (S256). The state is random, bound to the
/// browser by a cookie, stored hashed and single use. An account is linked or created by a verified
/// email only. The browser lands on the web app with the refresh cookie set; no token ever goes in a URL.
/// </summary>
internal static class OAuthSignIn
{
    private const string StateCookie = "oauth_state";
    private static readonly TimeSpan StateLifetime = TimeSpan.FromMinutes(10);

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/oauth/providers", (OAuthSettings oauth) => TypedResults.Ok(oauth.Providers.Keys.Order().ToList())).AllowAnonymous();
        group.MapGet("/oauth/{provider}/start", StartAsync).AllowAnonymous();
        group.MapGet("/oauth/{provider}/callback", CallbackAsync).AllowAnonymous();
    }

    private static string RedirectUri(HttpContext http, string provider) =>
        $"{http.Request.Scheme}://{http.Request.Host}/api/auth/oauth/{provider}/callback";

    private static async Task<IResult> StartAsync(string provider, string? returnTo, HttpContext http, OAuthSettings oauth, IdentityDbContext db,
        Authenticator auth, IdentityOptions options, CancellationToken ct)
    {
        if (!oauth.Providers.TryGetValue(provider, out var p))
        {
            return Problems.NotFound("auth.oauth_provider_unknown", "OAuth provider");
        }
        if (returnTo is { Length: > 512 }) return Problems.Validation("returnTo", "returnTo must be at most 512 characters.");
        var now = auth.Now;
        await db.OAuthStates.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(ct);
        var state = OpaqueToken.New();
        var verifier = Pkce.NewVerifier();
        db.OAuthStates.Add(new OAuthState
        {
            StateHash = OpaqueToken.Hash(state),
            Provider = provider,
            CodeVerifier = verifier,
            ReturnTo = returnTo,
            ExpiresAt = now + StateLifetime,
        });
        await db.SaveChangesAsync(ct);
        // Lax, not Strict: the provider sends the browser back with a top-level cross-site GET.
        http.Response.Cookies.Append(StateCookie, state, new CookieOptions
        {
            HttpOnly = true,
            Secure = options.SecureCookie,
            SameSite = SameSiteMode.Lax,
            Path = $"/api/auth/oauth/{provider}",
            MaxAge = StateLifetime,
        });
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = p.ClientId,
            ["redirect_uri"] = RedirectUri(http, provider),
            ["response_type"] = "code",
            ["scope"] = p.Scope,
            ["state"] = state,
            ["code_challenge"] = Pkce.Challenge(verifier),
            ["code_challenge_method"] = "S256",
        };
        return TypedResults.Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(p.AuthorizeUrl, query));
    }

    private static async Task<IResult> CallbackAsync(string provider, string? code, string? state, string? error, HttpContext http,
        OAuthSettings oauth, OAuthClient client, IdentityDbContext db, PasswordHasher hasher, Authenticator auth, IdentityOptions options, CancellationToken ct)
    {
        if (!oauth.Providers.TryGetValue(provider, out var p))
        {
            return Problems.NotFound("auth.oauth_provider_unknown", "OAuth provider");
        }
        var cookie = http.Request.Cookies[StateCookie];
        http.Response.Cookies.Delete(StateCookie, new CookieOptions { Path = $"/api/auth/oauth/{provider}", Secure = options.SecureCookie, HttpOnly = true, SameSite = SameSiteMode.Lax });
        IResult Fail(string reason) => TypedResults.Redirect(oauth.FrontendPath("/signin", reason));

        if (string.IsNullOrEmpty(state) || state.Length > 200 || string.IsNullOrEmpty(cookie)
            || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(state), System.Text.Encoding.UTF8.GetBytes(cookie)))
        {
            return Fail("oauth_state");
        }
        var now = auth.Now;
        var hash = OpaqueToken.Hash(state);
        var pending = await db.OAuthStates.FirstOrDefaultAsync(s => s.StateHash == hash && s.Provider == provider, ct);
        if (pending is null || pending.ExpiresAt <= now)
        {
            return Fail("oauth_state");
        }
        db.OAuthStates.Remove(pending); // single use
        await db.SaveChangesAsync(ct);
        if (!string.IsNullOrEmpty(error) || string.IsNullOrEmpty(code) || code.Length > 2048)
        {
            return Fail("oauth_denied");
        }

        var accessToken = await client.ExchangeCodeAsync(p, code, pending.CodeVerifier, RedirectUri(http, provider), ct);
        var identity = accessToken is null ? null : await client.GetIdentityAsync(p, accessToken, ct);
        if (identity is null) return Fail("oauth_failed");
        var email = EmailAddress.Normalize(identity.Email);
        if (email is null || !identity.EmailVerified) return Fail("oauth_email_unverified");

        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, ct);
        if (user is null)
        {
            var name = string.IsNullOrWhiteSpace(identity.Name) ? email.Split('@')[0] : identity.Name.Trim();
            user = new User
            {
                Email = email,
                Name = name.Length > 100 ? name[..100] : name,
                // No password: a random one nobody knows; "forgot password" sets a real one.
                PasswordHash = await hasher.HashAsync(OpaqueToken.New()),
                EmailVerified = true,
                AvatarUrl = identity.AvatarUrl is { Length: <= 2048 } a && a.StartsWith("https://", StringComparison.Ordinal) ? a : null,
                CreatedAt = now,
                UpdatedAt = now,
            };
            AdminBootstrap.PromoteIfAdminEmail(user, options);
            db.Users.Add(user);
            db.Publish(new UserRegistered(user.Id, user.Email, user.Name));
        }
        else
        {
            if (user.Disabled) return Fail("account_disabled");
            if (user.TwoFactorEnabled) return Fail("totp_required"); // the provider cannot vouch for the second factor
            if (!user.EmailVerified)
            {
                // Whoever signed up with this address before never proved it: their password and sessions
                // go, so a pre-registered account cannot be shared with its real owner.
                user.PasswordHash = await hasher.HashAsync(OpaqueToken.New());
                user.EmailVerified = true;
                user.UpdatedAt = now;
                await auth.RevokeAllAsync(user.Id, "email_claimed_by_oauth", keep: null, ct);
                AdminBootstrap.PromoteIfAdminEmail(user, options);
            }
        }
        await auth.StartSessionAsync(user, http, ct);
        await db.SaveChangesAsync(ct);
        await auth.ApplyRevocationsAsync(ct);
        return TypedResults.Redirect(oauth.FrontendPath(pending.ReturnTo));
    }
}
