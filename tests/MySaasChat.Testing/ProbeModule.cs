using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Messaging;

namespace MySaasChat.Testing;

/// <summary>
/// A module that exists only to prove the platform: it stores notes, announces each through the
/// outbox, and handles its own announcements through the bus like any consumer would.
/// </summary>
public sealed class ProbeModule : IModule
{
    public string Name => "probe";
    public string Target => "orchestrator";

    /// <summary>How many times handling fails before it succeeds (to prove retries), per test app.</summary>
    public int FailuresBeforeSuccess { get; set; }
    public bool AlwaysFail { get; set; }
    public int Attempts;

    public void AddSubscriptions(SubscriptionCatalog catalog, IServiceCollection? services)
    {
        catalog.AddHandler<NoteCreated, NoteCreatedHandler, ProbeDbContext>(services, Name);
        services?.AddSingleton(this);
    }

    public void AddServices(WebApplicationBuilder builder, PlatformOptions options) =>
        builder.Services.AddModuleDatabase<ProbeDbContext, SqliteProbeDbContext, PostgresProbeDbContext>(options, Name);

    public void MapEndpoints(WebApplication app)
    {
        var group = app.MapGroup("/api/probe").AddEndpointFilter<ValidationFilter>();
        group.MapPost("/notes", async (CreateNote request, ProbeDbContext db, CancellationToken ct) =>
        {
            var note = new Note { Id = Guid.CreateVersion7(), Text = request.Text!, CreatedAt = DateTimeOffset.UtcNow };
            db.Notes.Add(note);
            db.Publish(new NoteCreated(note.Id, note.Text));
            await db.SaveChangesAsync(ct);
            return TypedResults.Created($"/api/probe/notes/{note.Id}", note);
        });
        group.MapGet("/handled", async (ProbeDbContext db, CancellationToken ct) =>
            await db.HandledNotes.OrderBy(h => h.HandledAt).ToListAsync(ct));
        group.MapGet("/boom", IResult () => throw new InvalidOperationException("secret internal detail"));
        group.MapPost("/echo", (Echo body) => TypedResults.Ok(body));
    }
}

public sealed record CreateNote(string? Text) : IValidatable
{
    public void Validate(ValidationErrors errors) => errors.Required("text", Text).MaxLength("text", Text, 200);
}

public sealed record Echo(int Number, string Word);

public sealed record NoteCreated(Guid NoteId, string Text) : IntegrationEvent;

public sealed class Note
{
    public Guid Id { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class HandledNote
{
    public Guid Id { get; set; }
    public Guid NoteId { get; set; }
    public Guid EventId { get; set; }
    public DateTimeOffset HandledAt { get; set; }
}

public class ProbeDbContext(DbContextOptions options) : ModuleDbContext(options)
{
    protected override string Schema => "probe";
    public DbSet<Note> Notes => Set<Note>();
    public DbSet<HandledNote> HandledNotes => Set<HandledNote>();
}

public sealed class SqliteProbeDbContext(DbContextOptions<SqliteProbeDbContext> options) : ProbeDbContext(options);

public sealed class PostgresProbeDbContext(DbContextOptions<PostgresProbeDbContext> options) : ProbeDbContext(options);

public sealed class NoteCreatedHandler(ProbeDbContext db, ProbeModule probe) : IIntegrationEventHandler<NoteCreated>
{
    public async Task HandleAsync(NoteCreated @event, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref probe.Attempts);
        if (probe.AlwaysFail || attempt <= probe.FailuresBeforeSuccess)
        {
            throw new InvalidOperationException($"probe handler fails on attempt {attempt}");
        }
        db.HandledNotes.Add(new HandledNote { Id = Guid.NewGuid(), NoteId = @event.NoteId, EventId = @event.Id, HandledAt = DateTimeOffset.UtcNow });
        await db.SaveChangesAsync(cancellationToken);
    }
}
