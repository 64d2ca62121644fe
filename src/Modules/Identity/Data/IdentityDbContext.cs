using Microsoft.EntityFrameworkCore;
using MySaasChat.Hosting;
using MySaasChat.Messaging;
using MySaasChat.Modules.Identity.Domain;

namespace MySaasChat.Modules.Identity.Data;

public abstract class IdentityDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<EmailToken> EmailTokens => Set<EmailToken>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<OAuthState> OAuthStates => Set<OAuthState>();

    protected override string Schema => IdentityModule.ModuleName;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<User>(e =>
        {
            e.ToTable("users");
            e.HasKey(x => x.Id);
            e.Property(x => x.Email).HasMaxLength(254);
            e.HasIndex(x => x.Email).IsUnique();
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.PasswordHash).HasMaxLength(200);
            e.Property(x => x.Role).HasMaxLength(20);
            e.Property(x => x.Plan).HasMaxLength(40);
            e.Property(x => x.AvatarUrl).HasMaxLength(2048);
            e.Property(x => x.Preferences).HasMaxLength(8192);
            e.Property(x => x.TotpSecret).HasMaxLength(64);
        });
        modelBuilder.Entity<Session>(e =>
        {
            e.ToTable("sessions");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.UserId);
            e.Property(x => x.Device).HasMaxLength(256);
            e.Property(x => x.IpAddress).HasMaxLength(64);
            e.Property(x => x.RevokedReason).HasMaxLength(40);
        });
        modelBuilder.Entity<RefreshToken>(e =>
        {
            e.ToTable("refresh_tokens");
            e.HasKey(x => x.Id);
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => x.SessionId);
        });
        modelBuilder.Entity<EmailToken>(e =>
        {
            e.ToTable("email_tokens");
            e.HasKey(x => x.Id);
            e.Property(x => x.Purpose).HasMaxLength(20);
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => x.UserId);
        });
        modelBuilder.Entity<RecoveryCode>(e =>
        {
            e.ToTable("recovery_codes");
            e.HasKey(x => x.Id);
            e.Property(x => x.CodeHash).HasMaxLength(64);
            e.HasIndex(x => x.UserId);
        });
        modelBuilder.Entity<OAuthState>(e =>
        {
            e.ToTable("oauth_states");
            e.HasKey(x => x.Id);
            e.Property(x => x.StateHash).HasMaxLength(64);
            e.HasIndex(x => x.StateHash).IsUnique();
            e.Property(x => x.Provider).HasMaxLength(20);
            e.Property(x => x.CodeVerifier).HasMaxLength(128);
            e.Property(x => x.ReturnTo).HasMaxLength(512);
            e.HasIndex(x => x.ExpiresAt);
        });
    }
}

public sealed class SqliteIdentityDbContext(DbContextOptions<SqliteIdentityDbContext> options) : IdentityDbContext(options);

public sealed class PostgresIdentityDbContext(DbContextOptions<PostgresIdentityDbContext> options) : IdentityDbContext(options);

public sealed class SqliteIdentityDesignTimeFactory : SqliteDesignTimeFactory<SqliteIdentityDbContext>;

public sealed class PostgresIdentityDesignTimeFactory() : PostgresDesignTimeFactory<PostgresIdentityDbContext>(IdentityModule.ModuleName);
