using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Modules.Identity.Data;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Endpoints;

public sealed record SignUpRequest(string? Email, string? Password, string? Name) : IValidatable
{
    public void Validate(ValidationErrors errors)
    {
        errors.Required("email", Email).MaxLength("email", Email, 254);
        if (!string.IsNullOrWhiteSpace(Email) && EmailAddress.Normalize(Email) is null) errors.Add("email", "email is not a valid email address.");
        if (PasswordPolicy.Check(Password, EmailAddress.Normalize(Email)) is { } problem) errors.Add("password", problem);
        errors.Required("name", Name).MaxLength("name", Name?.Trim(), 100);
    }
}

internal static class SignUp
{
    public static void Map(RouteGroupBuilder group) => group.MapPost("/signup", HandleAsync).AllowAnonymous();

    private static async Task<IResult> HandleAsync(SignUpRequest request, HttpContext http, IdentityDbContext db, PasswordHasher hasher,
        Authenticator auth, IdentityOptions options, CancellationToken ct)
    {
        if (await AuthRateLimit.CheckAsync(http, "signup") is { } limited) return limited;
        var email = EmailAddress.Normalize(request.Email)!;
        var pending = new AcceptedResponse("verification_required", "Check your inbox: we sent a link to confirm your email address.");
        if (await db.Users.AnyAsync(u => u.Email == email, ct))
        {
            if (options.RequireEmailVerification)
            {
                // Same answer and about the same time as a new account: sign-up does not reveal who has one.
                await hasher.HashAsync(request.Password!);
                return TypedResults.Accepted((string?)null, pending);
            }
            return Problems.Result(StatusCodes.Status409Conflict, "auth.email_taken", "An account with this email already exists", field: "email");
        }

        var now = auth.Now;
        var user = new User
        {
            Email = email,
            Name = request.Name!.Trim(),
            PasswordHash = await hasher.HashAsync(request.Password!),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        db.Publish(new UserRegistered(user.Id, user.Email, user.Name));
        EmailTokens.Issue(db, user, EmailTokenPurpose.VerifyEmail, options.EmailVerificationLifetime, now);

        TokenResponse? tokens = null;
        if (!options.RequireEmailVerification)
        {
            tokens = await auth.StartSessionAsync(user, http, ct);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Lost a race with a sign-up for the same email.
            return options.RequireEmailVerification
                ? TypedResults.Accepted((string?)null, pending)
                : Problems.Result(StatusCodes.Status409Conflict, "auth.email_taken", "An account with this email already exists", field: "email");
        }
        return tokens is null ? TypedResults.Accepted((string?)null, pending) : TypedResults.Created("/api/auth/me", tokens);
    }
}
