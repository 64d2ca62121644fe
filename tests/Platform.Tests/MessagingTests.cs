using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MySaasChat.Messaging;
using MySaasChat.Testing;

namespace MySaasChat.Platform.Tests;

/// <summary>The outbox, relay and inbox on the embedded defaults (SQLite, in-process bus).</summary>
public sealed class MessagingTests
{
    private static async Task<List<HandledNote>> Handled(TestApp app) =>
        (await app.Client.GetFromJsonAsync<List<HandledNote>>("/api/probe/handled"))!;

    [Fact]
    public async Task A_state_change_and_its_event_are_saved_together_and_the_event_is_handled_once()
    {
        var probe = new ProbeModule();
        await using var app = await TestApp.StartAsync(modules: [probe]);
        var created = await app.Client.PostAsJsonAsync("/api/probe/notes", new { text = "hello" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var note = (await created.Content.ReadFromJsonAsync<Note>())!;

        await Eventually.TrueAsync(async () => (await Handled(app)).Count == 1, TimeSpan.FromSeconds(10), "the note event to be handled");
        (await Handled(app)).Single().NoteId.ShouldBe(note.Id);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProbeDbContext>();
        var row = await db.OutboxMessages.SingleAsync();
        row.Type.ShouldBe(nameof(NoteCreated));
        row.PublishedAt.ShouldNotBeNull();
        (await db.InboxMessages.CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_failing_handler_is_retried_until_it_succeeds_without_handling_twice()
    {
        var probe = new ProbeModule { FailuresBeforeSuccess = 2 };
        await using var app = await TestApp.StartAsync(modules: [probe]);
        await app.Client.PostAsJsonAsync("/api/probe/notes", new { text = "flaky" });

        await Eventually.TrueAsync(async () => (await Handled(app)).Count == 1, TimeSpan.FromSeconds(15), "the event to be handled after two failures");
        probe.Attempts.ShouldBe(3);

        // Redelivering the same event (as a broker might after a lost ack) changes nothing.
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProbeDbContext>();
        var row = await db.OutboxMessages.SingleAsync();
        row.Attempts.ShouldBe(3);
        var transport = app.Services.GetRequiredService<IEventTransport>();
        await transport.PublishAsync(new EventEnvelope(row.Id, row.Type, row.Payload, row.OccurredAt, null), CancellationToken.None);
        (await Handled(app)).Count.ShouldBe(1);
        probe.Attempts.ShouldBe(3, "the inbox short-circuits before the handler runs");
    }

    [Fact]
    public async Task An_event_that_never_succeeds_is_dead_lettered_with_its_reason()
    {
        var probe = new ProbeModule { AlwaysFail = true };
        await using var app = await TestApp.StartAsync(modules: [probe], configure: b =>
            b.Services.AddSingleton(new OutboxOptions { MaxAttempts = 3, PollInterval = TimeSpan.FromMilliseconds(50) }));
        await app.Client.PostAsJsonAsync("/api/probe/notes", new { text = "doomed" });

        await Eventually.TrueAsync(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ProbeDbContext>();
            return await db.OutboxMessages.AnyAsync(m => m.DeadLetteredAt != null);
        }, TimeSpan.FromSeconds(15), "the event to be dead-lettered");

        await using var check = app.Services.CreateAsyncScope();
        var row = await check.ServiceProvider.GetRequiredService<ProbeDbContext>().OutboxMessages.SingleAsync();
        row.Attempts.ShouldBe(3);
        row.LastError!.ShouldContain("probe handler fails");
        row.PublishedAt.ShouldBeNull();
        (await Handled(app)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Unknown_or_corrupt_events_are_poison_not_retried()
    {
        Should.Throw<PoisonMessageException>(() => EventTypes.Deserialize(new EventEnvelope(Guid.NewGuid(), "NoSuchEvent", "{}", DateTimeOffset.UtcNow, null)));
        EventTypes.Register(typeof(NoteCreated));
        Should.Throw<PoisonMessageException>(() => EventTypes.Deserialize(new EventEnvelope(Guid.NewGuid(), nameof(NoteCreated), "{not json", DateTimeOffset.UtcNow, null)));
        await Task.CompletedTask;
    }
}
