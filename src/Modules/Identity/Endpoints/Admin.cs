using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Endpoints;

internal static class ListUsers
{
    public const int PageSize = 50;

    public static void Map(RouteGroupBuilder admin) => admin.MapGet("/users", HandleAsync);

    private static async Task<IResult> HandleAsync(HttpContext http, IdentityDbContext db, string? query, string? page, CancellationToken ct)
    {
        if (await AdminCheck.DenyAsync(db, http) is { } denied) return denied;
        var p = 1;
        if (page is not null && (!int.TryParse(page, out p) || p < 1 || p > 100_000))
        {
            return Problems.Validation("page", "page must be a whole number from 1.");
        }
        if (query is { Length: > 254 }) return Problems.Validation("query", "query must be at most 254 characters.");
        var users = db.Users.AsQueryable();
        if (!string.IsNullOrWhiteSpace(query))
        {
            var q = query.Trim().ToLowerInvariant();
            users = users.Where(u => u.Email.Contains(q) || u.Name.ToLower().Contains(q));
        }
        var total = await users.CountAsync(ct);
        var items = await users.OrderBy(u => u.Email).Skip((p - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        return TypedResults.Ok(new UserPage(items.Select(Authenticator.ToResponse).ToList(), p, PageSize, total));
    }
}

public sealed record AdminUpdateUserRequest(string? Role, bool? Disabled) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        if (Role is null && Disabled is null) errors.Add("role", "role or disabled is required.");
        if (Role is not null && !Roles.All.Contains(Role)) errors.Add("role", $"role must be one of {string.Join(", ", Roles.All)}.");
    }
}

internal static class AdminUpdateUser
{
    public static void Map(RouteGroupBuilder admin) => admin.MapPatch("/users/{id}", HandleAsync);

    private static async Task<IResult> HandleAsync(string id, AdminUpdateUserRequest request, HttpContext http, IdentityDbContext db,
        Authenticator auth, CancellationToken ct)
    {
        if (await AdminCheck.DenyAsync(db, http) is { } denied) return denied;
        if (!Guid.TryParse(id, out var userId)) return Problems.Validation("id", "id must be a user id.");
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null) return Problems.NotFound("auth.user_not_found", "User");
        if (user.Id == ClientInfo.UserId(http) && (request.Disabled == true || request.Role is Roles.User))
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "auth.cannot_demote_self", "Admins cannot disable or demote themselves",
                "Ask another admin, so the system always keeps one.");
        }
        if (request.Role is not null) user.Role = request.Role;
        if (request.Disabled is { } disabled)
        {
            user.Disabled = disabled;
            if (disabled)
            {
                await auth.RevokeAllAsync(user.Id, "account_disabled", keep: null, ct);
            }
        }
        user.UpdatedAt = auth.Now;
        db.Publish(new UserUpdated(user.Id, user.Email, user.Name, user.Role, user.Disabled));
        await db.SaveChangesAsync(ct);
        await auth.ApplyRevocationsAsync(ct);
        return TypedResults.Ok(Authenticator.ToResponse(user));
    }
}

internal static class AdminCheck
{
    /// <summary>The role claim is checked by policy; this re-checks the account, since a demoted admin's token lives on until it expires.</summary>
    public static async Task<IResult?> DenyAsync(IdentityDbContext db, HttpContext http)
    {
        var user = await CurrentUser.LoadAsync(db, http);
        if (user is null) return AuthProblems.Unauthorized();
        return user.Role == Roles.Admin ? null : Problems.Result(StatusCodes.Status403Forbidden, "auth.forbidden", "Admins only");
    }
}
