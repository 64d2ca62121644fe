using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Identity.Data;

namespace MySaasChat.Modules.Identity.Domain;

/// <summary>Starts sessions (access + refresh token), and revokes them everywhere.</summary>
public sealed class Authenticator(IdentityDbContext db, AccessTokenIssuer issuer, IdentityOptions options, SessionRevocations revocations, TimeProvider clock)
{
    public const string RefreshCookie = "refresh_token";
    public const string CookiePath = "/api/auth";

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Creates a session for the user (saved by the caller's SaveChanges) and the tokens to answer with.</summary>
    public async Task<TokenResponse> StartSessionAsync(User user, HttpContext http, CancellationToken ct)
    {
        var now = Now;
        var device = ClientInfo.Device(http);
        var ip = ClientInfo.Ip(http);
        var knownDevice = await db.Sessions.AnyAsync(s => s.UserId == user.Id && s.Device == device, ct);
        var session = new Session
        {
            UserId = user.Id,
            Device = device,
            IpAddress = ip,
            CreatedAt = now,
            LastUsedAt = now,
            ExpiresAt = now + options.RefreshTokenLifetime,
        };
        db.Sessions.Add(session);
        var refresh = NewRefreshToken(session, now);
        db.Publish(new UserSignedIn(user.Id, user.Email, session.Id, device, ip, !knownDevice));
        return Respond(user, session.Id, refresh, http);
    }

    public string NewRefreshToken(Session session, DateTimeOffset now)
    {
        var raw = OpaqueToken.New();
        db.RefreshTokens.Add(new RefreshToken
        {
            SessionId = session.Id,
            TokenHash = OpaqueToken.Hash(raw),
            CreatedAt = now,
            ExpiresAt = session.ExpiresAt,
        });
        return raw;
    }

    public TokenResponse Respond(User user, Guid sessionId, string refreshToken, HttpContext http)
    {
        var (access, _) = issuer.Issue(user, sessionId);
        http.Response.Cookies.Append(RefreshCookie, refreshToken, new CookieOptions
        {
            HttpOnly = true,
            Secure = options.SecureCookie,
            SameSite = SameSiteMode.Strict,
            Path = CookiePath,
            Expires = Now + options.RefreshTokenLifetime,
            IsEssential = true,
        });
        http.Response.Headers.CacheControl = "no-store";
        return new TokenResponse(access, refreshToken, (int)options.AccessTokenLifetime.TotalSeconds, "Bearer", ToResponse(user));
    }

    public static void ClearCookie(HttpContext http, IdentityOptions options) =>
        http.Response.Cookies.Delete(RefreshCookie, new CookieOptions { Path = CookiePath, Secure = options.SecureCookie, HttpOnly = true, SameSite = SameSiteMode.Strict });

    /// <summary>Marks a session revoked and announces it; call <see cref="ApplyRevocationsAsync"/> after saving.</summary>
    public void Revoke(Session session, string reason)
    {
        if (session.RevokedAt is not null) return;
        session.RevokedAt = Now;
        session.RevokedReason = reason;
        db.Publish(new SessionRevoked(session.UserId, session.Id, Now + options.AccessTokenLifetime));
        _revoked.Add(session.Id);
    }

    /// <summary>Revokes every active session of the user except <paramref name="keep"/>.</summary>
    public async Task RevokeAllAsync(Guid userId, string reason, Guid? keep, CancellationToken ct)
    {
        var now = Now;
        var sessions = await db.Sessions.Where(s => s.UserId == userId && s.RevokedAt == null).ToListAsync(ct);
        foreach (var s in sessions.Where(s => s.Id != keep && s.ExpiresAt > now))
        {
            Revoke(s, reason);
        }
    }

    private readonly List<Guid> _revoked = [];

    /// <summary>Once the revocations are committed, refuse their access tokens at once here (other services hear the event).</summary>
    public async Task ApplyRevocationsAsync(CancellationToken ct)
    {
        foreach (var id in _revoked)
        {
            await revocations.RevokeAsync(id.ToString(), Now + options.AccessTokenLifetime, ct);
        }
        _revoked.Clear();
    }

    public static UserResponse ToResponse(User u) => new(
        u.Id, u.Email, u.Name, u.Role, u.Plan, u.EmailVerified, u.TwoFactorEnabled, u.Disabled, u.AvatarUrl,
        u.Preferences is null ? null : JsonDocument.Parse(u.Preferences).RootElement.Clone(), u.CreatedAt);
}

public static class ClientInfo
{
    public static string? Ip(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    public static string RateLimitKey(HttpContext http) => Ip(http) ?? "unknown";

    public static string? Device(HttpContext http)
    {
        var ua = http.Request.Headers.UserAgent.ToString();
        if (string.IsNullOrWhiteSpace(ua)) return null;
        return ua.Length > 256 ? ua[..256] : ua;
    }

    public static Guid? UserId(HttpContext http) =>
        Guid.TryParse(http.User.FindFirst("sub")?.Value, out var id) ? id : null;

    public static Guid? SessionId(HttpContext http) =>
        Guid.TryParse(http.User.FindFirst("sid")?.Value, out var id) ? id : null;
}
