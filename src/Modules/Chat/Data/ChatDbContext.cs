using Microsoft.EntityFrameworkCore;
using MySaasChat.Hosting;
using MySaasChat.Messaging;
using MySaasChat.Modules.Chat.Domain;

namespace MySaasChat.Modules.Chat.Data;

public class ChatDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<UsageRecord> Usage => Set<UsageRecord>();
    public DbSet<UserPlan> UserPlans => Set<UserPlan>();

    protected override string Schema => "chat";

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        b.Entity<Conversation>(e =>
        {
            e.ToTable("conversations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Title).HasMaxLength(200);
            e.Property(x => x.Model).HasMaxLength(100);
            e.HasIndex(x => new { x.UserId, x.Archived, x.Pinned, x.UpdatedAt });
        });
        b.Entity<Message>(e =>
        {
            e.ToTable("messages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Role).HasMaxLength(16);
            e.Property(x => x.State).HasMaxLength(16);
            e.Property(x => x.Provider).HasMaxLength(32);
            e.Property(x => x.Model).HasMaxLength(100);
            e.HasIndex(x => x.ConversationId);
            e.HasIndex(x => x.UserId);
            e.HasOne<Conversation>().WithMany().HasForeignKey(x => x.ConversationId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<UsageRecord>(e =>
        {
            e.ToTable("usage");
            e.HasKey(x => x.Id);
            e.Property(x => x.Provider).HasMaxLength(32);
            e.Property(x => x.Model).HasMaxLength(100);
            e.Property(x => x.Outcome).HasMaxLength(16);
            e.Property(x => x.Cost).HasPrecision(18, 8);
            e.HasIndex(x => new { x.UserId, x.CreatedAt });
        });
        b.Entity<UserPlan>(e =>
        {
            e.ToTable("user_plans");
            e.HasKey(x => x.UserId);
            e.Property(x => x.Plan).HasMaxLength(32);
        });
    }
}

public sealed class SqliteChatDbContext(DbContextOptions<SqliteChatDbContext> options) : ChatDbContext(options);

public sealed class PostgresChatDbContext(DbContextOptions<PostgresChatDbContext> options) : ChatDbContext(options);

public sealed class SqliteChatDesignTimeFactory : SqliteDesignTimeFactory<SqliteChatDbContext>;

public sealed class PostgresChatDesignTimeFactory() : PostgresDesignTimeFactory<PostgresChatDbContext>("chat");
