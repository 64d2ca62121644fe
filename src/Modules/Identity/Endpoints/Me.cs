using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Endpoints;

internal static class GetMe
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/me", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync(HttpContext http, IdentityDbContext db)
    {
        var user = await CurrentUser.LoadAsync(db, http);
        return user is null ? AuthProblems.Unauthorized() : TypedResults.Ok(Authenticator.ToResponse(user));
    }
}

public sealed record UpdateMeRequest(string? Name, string? AvatarUrl, JsonElement? Preferences) : IValidatable
{
    public const int MaxPreferencesBytes = 8192;

    public void Validate(ValidationErrors errors)
    {
        if (Name is not null && string.IsNullOrWhiteSpace(Name)) errors.Add("name", "name must not be empty.");
        errors.MaxLength("name", Name?.Trim(), 100);
        if (!string.IsNullOrEmpty(AvatarUrl))
        {
            errors.MaxLength("avatarUrl", AvatarUrl, 2048);
            if (!Uri.TryCreate(AvatarUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                errors.Add("avatarUrl", "avatarUrl must be an https:// URL.");
            }
        }
        if (Preferences is { } p && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.Object) errors.Add("preferences", "preferences must be a JSON object.");
            else if (p.GetRawText().Length > MaxPreferencesBytes) errors.Add("preferences", $"preferences must be at most {MaxPreferencesBytes} bytes.");
        }
    }
}

internal static class UpdateMe
{
    public static void Map(RouteGroupBuilder group) => group.MapPatch("/me", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync(UpdateMeRequest request, HttpContext http, IdentityDbContext db, Authenticator auth, CancellationToken ct)
    {
        var user = await CurrentUser.LoadAsync(db, http);
        if (user is null) return AuthProblems.Unauthorized();
        if (request.Name is not null) user.Name = request.Name.Trim();
        if (request.AvatarUrl is not null) user.AvatarUrl = request.AvatarUrl.Length == 0 ? null : request.AvatarUrl;
        if (request.Preferences is { } p)
        {
            user.Preferences = p.ValueKind == JsonValueKind.Null ? null : p.GetRawText();
        }
        user.UpdatedAt = auth.Now;
        db.Publish(new UserUpdated(user.Id, user.Email, user.Name, user.Role, user.Disabled));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(Authenticator.ToResponse(user));
    }
}

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("currentPassword", CurrentPassword).MaxLength("currentPassword", CurrentPassword, PasswordPolicy.MaxLength);
        if (PasswordPolicy.Check(NewPassword) is { } problem) errors.Add("newPassword", problem.Replace("password", "newPassword", StringComparison.Ordinal));
    }
}

internal static class ChangePassword
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/me/password", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync(ChangePasswordRequest request, HttpContext http, IdentityDbContext db, PasswordHasher hasher,
        Authenticator auth, CancellationToken ct)
    {
        var user = await CurrentUser.LoadAsync(db, http);
        if (user is null) return AuthProblems.Unauthorized();
        if (await hasher.VerifyAsync(request.CurrentPassword!, user.PasswordHash) == PasswordCheck.Failed)
        {
            return Problems.Result(StatusCodes.Status403Forbidden, "auth.invalid_password", "Current password is wrong", field: "currentPassword");
        }
        if (request.NewPassword!.Equals(user.Email, StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Validation("newPassword", "newPassword must not be your email address.");
        }
        user.PasswordHash = await hasher.HashAsync(request.NewPassword);
        user.UpdatedAt = auth.Now;
        // Whoever knew the old password keeps no session; this device stays signed in.
        await auth.RevokeAllAsync(user.Id, "password_changed", keep: ClientInfo.SessionId(http), ct);
        await db.SaveChangesAsync(ct);
        await auth.ApplyRevocationsAsync(ct);
        return TypedResults.NoContent();
    }
}

public sealed record DeleteMeRequest(string? Password) : IValidatable
{
    public void Validate(ValidationErrors errors) =>
        errors.Required("password", Password).MaxLength("password", Password, PasswordPolicy.MaxLength);
}

internal static class DeleteMe
{
    public static void Map(RouteGroupBuilder group) => group.MapDelete("/me", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync([Microsoft.AspNetCore.Mvc.FromBody] DeleteMeRequest request, HttpContext http, IdentityDbContext db, PasswordHasher hasher,
        Authenticator auth, IdentityOptions options, CancellationToken ct)
    {
        var user = await CurrentUser.LoadAsync(db, http);
        if (user is null) return AuthProblems.Unauthorized();
        if (await hasher.VerifyAsync(request.Password!, user.PasswordHash) == PasswordCheck.Failed)
        {
            return Problems.Result(StatusCodes.Status403Forbidden, "auth.invalid_password", "Password is wrong", field: "password");
        }
        await auth.RevokeAllAsync(user.Id, "account_deleted", keep: null, ct);
        var sessionIds = await db.Sessions.Where(s => s.UserId == user.Id).Select(s => s.Id).ToListAsync(ct);
        await db.RefreshTokens.Where(t => sessionIds.Contains(t.SessionId)).ExecuteDeleteAsync(ct);
        await db.EmailTokens.Where(t => t.UserId == user.Id).ExecuteDeleteAsync(ct);
        await db.RecoveryCodes.Where(t => t.UserId == user.Id).ExecuteDeleteAsync(ct);
        db.Sessions.RemoveRange(await db.Sessions.Where(s => s.UserId == user.Id).ToListAsync(ct));
        db.Users.Remove(user);
        // Every module erases what it holds of this user when it hears this.
        db.Publish(new UserDeleted(user.Id, user.Email));
        await db.SaveChangesAsync(ct);
        await auth.ApplyRevocationsAsync(ct);
        Authenticator.ClearCookie(http, options);
        return TypedResults.NoContent();
    }
}

internal static class ExportMe
{
    public static void Map(RouteGroupBuilder group) => group.MapGet("/me/export", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync(HttpContext http, IdentityDbContext db, CancellationToken ct)
    {
        var user = await CurrentUser.LoadAsync(db, http);
        if (user is null) return AuthProblems.Unauthorized();
        var sessions = await db.Sessions.Where(s => s.UserId == user.Id).OrderBy(s => s.CreatedAt)
            .Select(s => new { s.Id, s.Device, s.IpAddress, s.CreatedAt, s.LastUsedAt, s.ExpiresAt, s.RevokedAt, s.RevokedReason })
            .ToListAsync(ct);
        http.Response.Headers.ContentDisposition = "attachment; filename=\"my-saas-chat-account.json\"";
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new
        {
            exportedAt = DateTimeOffset.UtcNow,
            account = Authenticator.ToResponse(user),
            sessions,
        });
    }
}
