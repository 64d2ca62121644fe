using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Endpoints;

internal static class SignOut
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/signout", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync(HttpContext http, IdentityDbContext db, Authenticator auth, IdentityOptions options, CancellationToken ct)
    {
        var userId = ClientInfo.UserId(http);
        var sessionId = ClientInfo.SessionId(http);
        var session = await db.Sessions.FirstOrDefaultAsync(s => s.Id == sessionId && s.UserId == userId, ct);
        if (session is not null)
        {
            auth.Revoke(session, "signed_out");
            await db.SaveChangesAsync(ct);
            await auth.ApplyRevocationsAsync(ct);
        }
        Authenticator.ClearCookie(http, options);
        return TypedResults.NoContent();
    }
}

internal static class SignOutAll
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/signout-all", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync(HttpContext http, IdentityDbContext db, Authenticator auth, IdentityOptions options, CancellationToken ct)
    {
        var userId = ClientInfo.UserId(http);
        if (userId is null) return AuthProblems.Unauthorized();
        await auth.RevokeAllAsync(userId.Value, "signed_out_everywhere", keep: null, ct);
        await db.SaveChangesAsync(ct);
        await auth.ApplyRevocationsAsync(ct);
        Authenticator.ClearCookie(http, options);
        return TypedResults.NoContent();
    }
}
