using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Hosting;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Endpoints;

internal static class AuthProblems
{
    public static IResult InvalidCredentials() =>
        Problems.Result(StatusCodes.Status401Unauthorized, "auth.invalid_credentials", "Invalid email or password");

    public static IResult InvalidToken(string what) =>
        Problems.Result(StatusCodes.Status400BadRequest, "auth.invalid_token", $"The {what} link is invalid or has expired", field: "token");

    public static IResult Unauthorized() =>
        Problems.Result(StatusCodes.Status401Unauthorized, "auth.unauthorized", "Sign in again");
}

internal static class AuthRateLimit
{
    /// <summary>Per-IP limit on the endpoints that guess or spend passwords; shared across instances through Redis.</summary>
    public static async Task<IResult?> CheckAsync(HttpContext http, string policy)
    {
        var limiter = http.RequestServices.GetRequiredService<RateLimiter>();
        var options = http.RequestServices.GetRequiredService<IdentityOptions>();
        var result = await limiter.HitAsync("auth-" + policy, ClientInfo.RateLimitKey(http), options.AuthRateLimit, options.AuthRateLimitWindow, http.RequestAborted);
        if (!result.Allowed)
        {
            return RateLimiter.Rejected(http.Response, result);
        }
        return null;
    }
}

internal static class CurrentUser
{
    /// <summary>The signed-in user, or null when the account is gone or disabled since the token was issued.</summary>
    public static async Task<User?> LoadAsync(IdentityDbContext db, HttpContext http)
    {
        var id = ClientInfo.UserId(http);
        if (id is null) return null;
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, http.RequestAborted);
        return user is null || user.Disabled ? null : user;
    }
}
