using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Endpoints;

public sealed record TokenRequest(string? Token) : IValidatable
{
    public void Validate(ValidationErrors errors) => errors.Required("token", Token).MaxLength("token", Token, 200);
}

public sealed record EmailRequest(string? Email) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("email", Email).MaxLength("email", Email, 254);
        if (!string.IsNullOrWhiteSpace(Email) && EmailAddress.Normalize(Email) is null) errors.Add("email", "email is not a valid email address.");
    }
}

public sealed record ResetPasswordRequest(string? Token, string? Password) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("token", Token).MaxLength("token", Token, 200);
        if (PasswordPolicy.Check(Password) is { } problem) errors.Add("password", problem);
    }
}

internal static class EmailTokenLookup
{
    /// <summary>The unused, unexpired token of that purpose, or null.</summary>
    public static async Task<EmailToken?> FindAsync(IdentityDbContext db, string raw, string purpose, DateTimeOffset now, CancellationToken ct)
    {
        var hash = OpaqueToken.Hash(raw);
        var token = await db.EmailTokens.FirstOrDefaultAsync(t => t.TokenHash == hash && t.Purpose == purpose, ct);
        return token is null || token.UsedAt is not null || token.ExpiresAt <= now ? null : token;
    }
}

internal static class VerifyEmail
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/verify-email", HandleAsync).AllowAnonymous();

    private static async Task<IResult> HandleAsync(TokenRequest request, IdentityDbContext db, Authenticator auth, IdentityOptions options, CancellationToken ct)
    {
        var now = auth.Now;
        var token = await EmailTokenLookup.FindAsync(db, request.Token!, EmailTokenPurpose.VerifyEmail, now, ct);
        var user = token is null ? null : await db.Users.FirstOrDefaultAsync(u => u.Id == token.UserId, ct);
        if (token is null || user is null) return AuthProblems.InvalidToken("verification");
        token.UsedAt = now;
        user.EmailVerified = true;
        user.UpdatedAt = now;
        AdminBootstrap.PromoteIfAdminEmail(user, options);
        db.Publish(new UserUpdated(user.Id, user.Email, user.Name, user.Role, user.Disabled));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}

internal static class ResendVerification
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/resend-verification", HandleAsync).AllowAnonymous();

    private static async Task<IResult> HandleAsync(EmailRequest request, HttpContext http, IdentityDbContext db, Authenticator auth, IdentityOptions options, CancellationToken ct)
    {
        if (await AuthRateLimit.CheckAsync(http, "email") is { } limited) return limited;
        var email = EmailAddress.Normalize(request.Email);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, ct);
        if (user is { EmailVerified: false, Disabled: false })
        {
            EmailTokens.Issue(db, user, EmailTokenPurpose.VerifyEmail, options.EmailVerificationLifetime, auth.Now);
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Accepted((string?)null, new AcceptedResponse("accepted", "If that address has an unconfirmed account, a new link is on its way."));
    }
}

internal static class ForgotPassword
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/forgot-password", HandleAsync).AllowAnonymous();

    private static async Task<IResult> HandleAsync(EmailRequest request, HttpContext http, IdentityDbContext db, Authenticator auth, IdentityOptions options, CancellationToken ct)
    {
        if (await AuthRateLimit.CheckAsync(http, "forgot-password") is { } limited) return limited;
        var email = EmailAddress.Normalize(request.Email);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == email, ct);
        if (user is { Disabled: false })
        {
            EmailTokens.Issue(db, user, EmailTokenPurpose.ResetPassword, options.PasswordResetLifetime, auth.Now);
            await db.SaveChangesAsync(ct);
        }
        // The same answer whether or not the account exists.
        return TypedResults.Accepted((string?)null, new AcceptedResponse("accepted", "If that address has an account, a reset link is on its way."));
    }
}

internal static class ResetPassword
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/reset-password", HandleAsync).AllowAnonymous();

    private static async Task<IResult> HandleAsync(ResetPasswordRequest request, IdentityDbContext db, PasswordHasher hasher, Authenticator auth, CancellationToken ct)
    {
        var now = auth.Now;
        var token = await EmailTokenLookup.FindAsync(db, request.Token!, EmailTokenPurpose.ResetPassword, now, ct);
        var user = token is null ? null : await db.Users.FirstOrDefaultAsync(u => u.Id == token.UserId, ct);
        if (token is null || user is null) return AuthProblems.InvalidToken("password reset");
        if (request.Password!.Equals(user.Email, StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Validation("password", "password must not be your email address.");
        }
        // Every reset link of this user dies with this one.
        foreach (var other in await db.EmailTokens.Where(t => t.UserId == user.Id && t.Purpose == EmailTokenPurpose.ResetPassword && t.UsedAt == null).ToListAsync(ct))
        {
            other.UsedAt = now;
        }
        user.PasswordHash = await hasher.HashAsync(request.Password);
        user.EmailVerified = true; // the link reached the inbox
        user.FailedSignIns = 0;
        user.LockedUntil = null;
        user.UpdatedAt = now;
        await auth.RevokeAllAsync(user.Id, "password_reset", keep: null, ct);
        await db.SaveChangesAsync(ct);
        await auth.ApplyRevocationsAsync(ct);
        return TypedResults.NoContent();
    }
}
