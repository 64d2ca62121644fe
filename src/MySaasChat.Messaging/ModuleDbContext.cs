using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Contracts;

namespace MySaasChat.Messaging;

/// <summary>
/// Base of every module's DbContext: events raised with <see cref="Publish"/> are saved as outbox
/// rows by the same SaveChanges that saves the state change, so neither exists without the other.
/// </summary>
public abstract class ModuleDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();


    public void Publish(IntegrationEvent @event)
    {
        var envelope = EventEnvelope.From(@event, Activity.Current?.Id);
        OutboxMessages.Add(new OutboxMessage
        {
            Id = envelope.Id,
            Type = envelope.Type,
            Payload = envelope.Payload,
            OccurredAt = envelope.OccurredAt,
            TraceParent = envelope.TraceParent,
            NextAttemptAt = DateTimeOffset.UtcNow,
        });
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var hasEvents = ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added);
        var result = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (hasEvents && Database.CurrentTransaction is null)
        {
            FindSignal()?.Notify();
        }
        return result;
    }

    /// <summary>The relay of this module (keyed by the module's context type, above any provider-specific subclass).</summary>
    private OutboxSignal? FindSignal()
    {
        var services = this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        var key = GetType();
        while (key.BaseType is not null && key.BaseType != typeof(ModuleDbContext))
        {
            key = key.BaseType;
        }
        return services?.GetKeyedService<OutboxSignal>(key);
    }

    /// <summary>The module's PostgreSQL schema (one per module); SQLite has one file per module instead.</summary>
    protected abstract string Schema { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        if (Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            modelBuilder.HasDefaultSchema(Schema);
        }
        modelBuilder.AddOutboxAndInbox();
        base.OnModelCreating(modelBuilder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset; store UTC ticks there so queries translate on both providers.
        if (Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
            configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
        }
        base.ConfigureConventions(configurationBuilder);
    }
}

public sealed class DateTimeOffsetToUtcTicksConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));

/// <summary>Wakes a relay early instead of waiting for its next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        if (_semaphore.CurrentCount == 0)
        {
            try { _semaphore.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _semaphore.WaitAsync(timeout, ct);
}
