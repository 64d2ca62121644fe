using Microsoft.EntityFrameworkCore;
using MySaasChat.Hosting;
using MySaasChat.Messaging;
using MySaasChat.Modules.Notifications.Domain;

namespace MySaasChat.Modules.Notifications.Data;

public abstract class NotificationsDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public DbSet<OutgoingEmail> OutgoingEmails => Set<OutgoingEmail>();

    protected override string Schema => NotificationsModule.ModuleName;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.Entity<OutgoingEmail>(e =>
        {
            e.ToTable("outgoing_emails");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.EventId).IsUnique();
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            e.Property(x => x.Template).HasMaxLength(64);
            e.Property(x => x.ToAddress).HasMaxLength(320);
            e.Property(x => x.ToName).HasMaxLength(200);
            e.Property(x => x.Subject).HasMaxLength(500);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(x => x.LastError).HasMaxLength(2000);
        });
    }
}

public sealed class SqliteNotificationsDbContext(DbContextOptions<SqliteNotificationsDbContext> options) : NotificationsDbContext(options);

public sealed class PostgresNotificationsDbContext(DbContextOptions<PostgresNotificationsDbContext> options) : NotificationsDbContext(options);

public sealed class SqliteNotificationsDesignTimeFactory : SqliteDesignTimeFactory<SqliteNotificationsDbContext>;

public sealed class PostgresNotificationsDesignTimeFactory() : PostgresDesignTimeFactory<PostgresNotificationsDbContext>(NotificationsModule.ModuleName);
