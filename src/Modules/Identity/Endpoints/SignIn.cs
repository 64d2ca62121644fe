using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Hosting;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Endpoints;

public sealed record SignInRequest(string? Email, string? Password, string? Totp) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("email", Email).MaxLength("email", Email, 254);
        errors.Required("password", Password).MaxLength("password", Password, PasswordPolicy.MaxLength);
        errors.MaxLength("totp", Totp, 32);
    }
}

internal static class SignIn
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/signin", HandleAsync).AllowAnonymous();

    private static async Task<IResult> HandleAsync(SignInRequest request, HttpContext http, IdentityDbContext db, PasswordHasher hasher,
        Authenticator auth, IdentityOptions options, CancellationToken ct)
    {
        if (await AuthRateLimit.CheckAsync(http, "signin") is { } limited) return limited;
        var email = EmailAddress.Normalize(request.Email);
        var user = email is null ? null : await db.Users.FirstOrDefaultAsync(u => u.Email == email, ct);
        var now = auth.Now;

        if (user?.LockedUntil is { } until && until > now)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling((until - now).TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Result(StatusCodes.Status423Locked, "auth.account_locked", "Account temporarily locked",
                "Too many failed sign-ins. Try again later or reset your password.");
        }

        // An unknown email is checked against a dummy hash, so it takes as long as a wrong password.
        var check = await hasher.VerifyAsync(request.Password!, user?.PasswordHash);
        if (user is null) return AuthProblems.InvalidCredentials();
        if (check == PasswordCheck.Failed)
        {
            await RecordFailureAsync(db, user, options, now, ct);
            return AuthProblems.InvalidCredentials();
        }

        if (user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(request.Totp))
            {
                return Problems.Result(StatusCodes.Status401Unauthorized, "auth.totp_required", "Two-factor code required",
                    "Send the code from your authenticator app (or a recovery code) in the totp field.", "totp");
            }
            if (!await TwoFactor.VerifyAsync(db, user, request.Totp, now, ct))
            {
                await RecordFailureAsync(db, user, options, now, ct);
                return Problems.Result(StatusCodes.Status401Unauthorized, "auth.invalid_totp", "Invalid two-factor code", field: "totp");
            }
        }

        if (user.Disabled)
        {
            return Problems.Result(StatusCodes.Status403Forbidden, "auth.account_disabled", "This account is disabled");
        }
        if (options.RequireEmailVerification && !user.EmailVerified)
        {
            return Problems.Result(StatusCodes.Status403Forbidden, "auth.email_not_verified", "Confirm your email address first",
                "Use the link we sent you, or ask for a new one with POST /api/auth/resend-verification.");
        }

        user.FailedSignIns = 0;
        user.LockedUntil = null;
        if (check == PasswordCheck.NeedsRehash)
        {
            user.PasswordHash = await hasher.HashAsync(request.Password!);
        }
        var tokens = await auth.StartSessionAsync(user, http, ct);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(tokens);
    }

    private static async Task RecordFailureAsync(IdentityDbContext db, User user, IdentityOptions options, DateTimeOffset now, CancellationToken ct)
    {
        user.FailedSignIns++;
        if (user.FailedSignIns >= options.MaxLoginAttempts)
        {
            user.LockedUntil = now + options.LockoutDuration;
            user.FailedSignIns = 0;
        }
        await db.SaveChangesAsync(ct);
    }
}
