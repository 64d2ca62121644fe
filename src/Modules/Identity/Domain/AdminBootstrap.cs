using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MySaasChat.Contracts;
using MySaasChat.Modules.Identity.Data;

namespace MySaasChat.Modules.Identity.Domain;

/// <summary>
/// The first admin: the account whose email is ADMIN_EMAIL becomes admin once that email is verified
/// (at start, or when it gets verified), so nobody can claim the role by signing up first with the address.
/// </summary>
public sealed class AdminBootstrap(IServiceScopeFactory scopes, IdentityOptions options, ILogger<AdminBootstrap> logger) : IHostedService
{
    public static void PromoteIfAdminEmail(User user, IdentityOptions options)
    {
        if (options.AdminEmail is not null && user.Email == options.AdminEmail && user.EmailVerified && user.Role != Roles.Admin)
        {
            user.Role = Roles.Admin;
        }
    }

    public async Task StartAsync(CancellationToken ct)
    {
        if (options.AdminEmail is null) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        try
        {
            var user = await db.Users.FirstOrDefaultAsync(u => u.Email == options.AdminEmail, ct);
            if (user is null || user.Role == Roles.Admin) return;
            PromoteIfAdminEmail(user, options);
            if (user.Role == Roles.Admin)
            {
                db.Publish(new UserUpdated(user.Id, user.Email, user.Name, user.Role, user.Disabled));
                await db.SaveChangesAsync(ct);
                logger.LogInformation("ADMIN_EMAIL account promoted to admin");
            }
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            // Not migrated yet (the migrate command builds the app too): the promotion happens at the next start.
            logger.LogWarning("Could not check ADMIN_EMAIL at start: {Error}", ex.Message);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>For `mysaaschat admin create`: creates the account (or resets its password) as a verified admin.</summary>
    public static async Task<(bool Created, string? Error)> CreateAdminAsync(IServiceProvider services, string email, string password, CancellationToken ct)
    {
        var normalized = EmailAddress.Normalize(email);
        if (normalized is null) return (false, $"'{email}' is not an email address");
        if (PasswordPolicy.Check(password, normalized) is { } problem) return (false, problem);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var hasher = scope.ServiceProvider.GetRequiredService<PasswordHasher>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == normalized, ct);
        var created = user is null;
        if (user is null)
        {
            user = new User { Email = normalized, Name = normalized.Split('@')[0], PasswordHash = "", CreatedAt = now };
            db.Users.Add(user);
            db.Publish(new UserRegistered(user.Id, user.Email, user.Name));
        }
        user.PasswordHash = await hasher.HashAsync(password);
        user.Role = Roles.Admin;
        user.EmailVerified = true;
        user.Disabled = false;
        user.LockedUntil = null;
        user.UpdatedAt = now;
        db.Publish(new UserUpdated(user.Id, user.Email, user.Name, user.Role, user.Disabled));
        await db.SaveChangesAsync(ct);
        return (created, null);
    }
}
