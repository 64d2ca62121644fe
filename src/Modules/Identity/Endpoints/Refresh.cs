using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Hosting;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Endpoints;

public sealed record RefreshRequest(string? RefreshToken) : IValidatable
{
    public void Validate(ValidationErrors errors) => errors.MaxLength("refreshToken", RefreshToken, 200);
}

internal static class Refresh
{
    /// <summary>Browsers cannot send this header cross-site without a CORS preflight, which is what makes the cookie safe to use.</summary>
    public const string CsrfHeader = "X-Requested-With";

    public static void Map(RouteGroupBuilder group) => group.MapPost("/refresh", HandleAsync).AllowAnonymous();

    private static async Task<IResult> HandleAsync(HttpContext http, IdentityDbContext db, Authenticator auth, IdentityOptions options, CancellationToken ct)
    {
        var request = await ReadBodyAsync(http);
        if (request is null)
        {
            return Problems.Validation("refreshToken", "refreshToken must be a string.");
        }
        var errors = new ValidationErrors();
        request.Validate(errors);
        if (errors.Any) return Problems.Validation(errors.ToDictionary());

        var raw = request.RefreshToken;
        if (string.IsNullOrEmpty(raw))
        {
            raw = http.Request.Cookies[Authenticator.RefreshCookie];
            if (string.IsNullOrEmpty(raw))
            {
                return Problems.Validation("refreshToken", "refreshToken is required (in the body or the refresh_token cookie).");
            }
            if (string.IsNullOrEmpty(http.Request.Headers[CsrfHeader]))
            {
                return Problems.Result(StatusCodes.Status403Forbidden, "auth.csrf", "Missing header",
                    $"Refreshing with the cookie needs the {CsrfHeader} header.");
            }
        }

        var now = auth.Now;
        var hash = OpaqueToken.Hash(raw);
        var token = await db.RefreshTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, ct);
        if (token is null) return Fail(http, options);
        var session = await db.Sessions.FirstAsync(s => s.Id == token.SessionId, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Only one exchange of a token wins, even when two arrive at once; the loser counts as reuse.
        var won = token.RotatedAt is null && await db.RefreshTokens
            .Where(t => t.Id == token.Id && t.RotatedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RotatedAt, now), ct) == 1;
        if (!won)
        {
            // A rotated token came back: it was stolen or replayed. Revoke the whole family (the session).
            auth.Revoke(session, "refresh_reuse");
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            await auth.ApplyRevocationsAsync(ct);
            Authenticator.ClearCookie(http, options);
            return Problems.Result(StatusCodes.Status401Unauthorized, "auth.refresh_reused", "Refresh token already used",
                "This session was signed out for safety. Sign in again.");
        }
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == session.UserId, ct);
        if (!session.IsActive(now) || token.ExpiresAt <= now || user is null || user.Disabled)
        {
            await tx.RollbackAsync(ct);
            return Fail(http, options);
        }
        session.LastUsedAt = now;
        session.IpAddress = ClientInfo.Ip(http);
        var next = auth.NewRefreshToken(session, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(auth.Respond(user, session.Id, next, http));
    }

    private static IResult Fail(HttpContext http, IdentityOptions options)
    {
        Authenticator.ClearCookie(http, options);
        return Problems.Result(StatusCodes.Status401Unauthorized, "auth.invalid_refresh_token", "Invalid or expired refresh token", "Sign in again.");
    }

    /// <summary>The body is optional here (a browser sends only the cookie).</summary>
    private static async Task<RefreshRequest?> ReadBodyAsync(HttpContext http)
    {
        if (http.Request.ContentLength is 0 || !http.Request.HasJsonContentType())
        {
            return new RefreshRequest(null);
        }
        try
        {
            return await http.Request.ReadFromJsonAsync<RefreshRequest>(http.RequestAborted) ?? new RefreshRequest(null);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
