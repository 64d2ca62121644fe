using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Endpoints;

internal static class ListSessions
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/sessions", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync(HttpContext http, IdentityDbContext db, Authenticator auth, CancellationToken ct)
    {
        var userId = ClientInfo.UserId(http);
        var current = ClientInfo.SessionId(http);
        var now = auth.Now;
        var sessions = await db.Sessions.Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
            .OrderByDescending(s => s.LastUsedAt)
            .ToListAsync(ct);
        return TypedResults.Ok(sessions.Select(s => new SessionResponse(s.Id, s.Device, s.IpAddress, s.CreatedAt, s.LastUsedAt, s.Id == current)).ToList());
    }
}

internal static class RevokeSession
{
    public static void Map(RouteGroupBuilder group) => group.MapDelete("/sessions/{id}", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync(string id, HttpContext http, IdentityDbContext db, Authenticator auth, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var sessionId))
        {
            return Problems.Validation("id", "id must be a session id.");
        }
        var userId = ClientInfo.UserId(http);
        // Another user's session answers exactly like a missing one.
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == sessionId && s.UserId == userId && s.RevokedAt == null, ct);
        if (session is null)
        {
            return Problems.NotFound("auth.session_not_found", "Session");
        }
        auth.Revoke(session, "revoked_by_user");
        await db.SaveChangesAsync(ct);
        await auth.ApplyRevocationsAsync(ct);
        return TypedResults.NoContent();
    }
}
