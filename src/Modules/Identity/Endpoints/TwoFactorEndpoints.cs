using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Endpoints;

public sealed record TwoFactorCodeRequest(string? Code) : IValidatable
{
    public void Validate(ValidationErrors errors) => errors.Required("code", Code).MaxLength("code", Code, 32);
}

public sealed record DisableTwoFactorRequest(string? Code, string? Password) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Code) && string.IsNullOrEmpty(Password)) errors.Add("code", "code or password is required.");
        errors.MaxLength("code", Code, 32).MaxLength("password", Password, PasswordPolicy.MaxLength);
    }
}

internal static class SetupTwoFactor
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/2fa/setup", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync(HttpContext http, IdentityDbContext db, IdentityOptions options, CancellationToken ct)
    {
        var user = await CurrentUser.LoadAsync(db, http);
        if (user is null) return AuthProblems.Unauthorized();
        if (user.TwoFactorEnabled)
        {
            return Problems.Result(StatusCodes.Status409Conflict, "auth.2fa_enabled", "Two-factor sign-in is already on", "Disable it first to set up a new authenticator.");
        }
        user.TotpSecret = TwoFactor.NewSecret();
        await db.SaveChangesAsync(ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new TwoFactorSetupResponse(user.TotpSecret, TwoFactor.OtpauthUri(options.TotpIssuer, user.Email, user.TotpSecret)));
    }
}

internal static class EnableTwoFactor
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/2fa/enable", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync(TwoFactorCodeRequest request, HttpContext http, IdentityDbContext db, Authenticator auth, CancellationToken ct)
    {
        var user = await CurrentUser.LoadAsync(db, http);
        if (user is null) return AuthProblems.Unauthorized();
        if (user.TwoFactorEnabled)
        {
            return Problems.Result(StatusCodes.Status409Conflict, "auth.2fa_enabled", "Two-factor sign-in is already on");
        }
        if (user.TotpSecret is null)
        {
            return Problems.Result(StatusCodes.Status409Conflict, "auth.2fa_not_set_up", "Call POST /api/auth/2fa/setup first");
        }
        if (!TwoFactor.VerifyCode(user, user.TotpSecret, request.Code!, auth.Now))
        {
            return Problems.Result(StatusCodes.Status400BadRequest, "auth.invalid_totp", "Invalid two-factor code", field: "code");
        }
        user.TwoFactorEnabled = true;
        user.UpdatedAt = auth.Now;
        var codes = await TwoFactor.NewRecoveryCodesAsync(db, user, ct);
        db.Publish(new TwoFactorChanged(user.Id, user.Email, user.Name, true));
        await db.SaveChangesAsync(ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new RecoveryCodesResponse(codes));
    }
}

internal static class DisableTwoFactor
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/2fa/disable", HandleAsync).RequireAuthorization();

    private static async Task<IResult> HandleAsync(DisableTwoFactorRequest request, HttpContext http, IdentityDbContext db, PasswordHasher hasher,
        Authenticator auth, CancellationToken ct)
    {
        var user = await CurrentUser.LoadAsync(db, http);
        if (user is null) return AuthProblems.Unauthorized();
        if (!user.TwoFactorEnabled)
        {
            return Problems.Result(StatusCodes.Status409Conflict, "auth.2fa_disabled", "Two-factor sign-in is not on");
        }
        var proven = !string.IsNullOrWhiteSpace(request.Code)
            ? await TwoFactor.VerifyAsync(db, user, request.Code, auth.Now, ct)
            : await hasher.VerifyAsync(request.Password!, user.PasswordHash) != PasswordCheck.Failed;
        if (!proven)
        {
            return Problems.Result(StatusCodes.Status403Forbidden, "auth.invalid_proof", "Wrong code or password", field: string.IsNullOrWhiteSpace(request.Code) ? "password" : "code");
        }
        user.TwoFactorEnabled = false;
        user.TotpSecret = null;
        user.UpdatedAt = auth.Now;
        await db.RecoveryCodes.Where(r => r.UserId == user.Id).ExecuteDeleteAsync(ct);
        db.Publish(new TwoFactorChanged(user.Id, user.Email, user.Name, false));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
