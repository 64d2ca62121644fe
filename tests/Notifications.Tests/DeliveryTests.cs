using System.Net.Sockets;
using MailKit.Net.Smtp;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MySaasChat.Contracts;
using MySaasChat.Modules.Notifications.Delivery;
using MySaasChat.Modules.Notifications.Domain;
using MySaasChat.Testing;

namespace MySaasChat.Notifications.Tests;

/// <summary>The sender's decisions, on a transport that fails as told (real SMTP servers: Integration.Tests).</summary>
public sealed class DeliveryTests
{
    private sealed class ScriptedTransport(params Exception?[] script) : IMailTransport
    {
        private readonly Exception?[] _script = script;
        private int _calls;
        public List<MimeMessage> Accepted { get; } = [];
        public string Name => "scripted";

        public Task<IMailSession> OpenAsync(CancellationToken ct) => Task.FromResult<IMailSession>(new Session(this));

        private sealed class Session(ScriptedTransport transport) : IMailSession
        {
            public Task SendAsync(MimeMessage message, CancellationToken ct)
            {
                var call = Interlocked.Increment(ref transport._calls) - 1;
                if (call < transport._script.Length && transport._script[call] is { } failure) throw failure;
                lock (transport.Accepted) transport.Accepted.Add(message);
                return Task.CompletedTask;
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private static Task<TestApp> StartAsync(IMailTransport transport) =>
        TestApp.StartAsync(MailTestKit.Settings(), configure: b => b.Services.AddSingleton(transport));

    [Fact]
    public async Task Transient_failures_are_retried_with_backoff_until_the_message_goes_through_once()
    {
        var transport = new ScriptedTransport(
            new SocketException((int)SocketError.ConnectionRefused),
            new SmtpCommandException(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.MailboxBusy, "450 try later"),
            null);
        await using var app = await StartAsync(transport);
        var evt = new PasswordResetRequested(Guid.NewGuid(), "retry@example.com", "R", "tok");

        await app.PublishAsync(evt);

        var email = await app.EmailForAsync(evt.Id, e => e.Status == EmailStatus.Sent);
        email.Attempts.ShouldBe(3);
        email.LastError.ShouldBeNull();
        await Task.Delay(500);
        transport.Accepted.ShouldHaveSingleItem().Subject.ShouldBe("Reset your Acme Chat password");
    }

    [Fact]
    public async Task A_5xx_answer_dead_letters_the_message_with_the_reason_and_it_is_not_tried_again()
    {
        var transport = new ScriptedTransport(
            new SmtpCommandException(SmtpErrorCode.RecipientNotAccepted, SmtpStatusCode.MailboxUnavailable, new MailboxAddress("", "nobody@example.com"), "5.1.1 no such user"));
        await using var app = await StartAsync(transport);
        var evt = new UserDeleted(Guid.NewGuid(), "nobody@example.com");

        await app.PublishAsync(evt);

        var email = await app.EmailForAsync(evt.Id, e => e.Status == EmailStatus.DeadLettered);
        email.Attempts.ShouldBe(1);
        email.DeadLetteredAt.ShouldNotBeNull();
        email.LastError.ShouldNotBeNull().ShouldContain("550");
        email.LastError.ShouldContain("no such user");
        await Task.Delay(500);
        transport.Accepted.ShouldBeEmpty();
        (await app.EmailForAsync(evt.Id, _ => true)).Attempts.ShouldBe(1);
    }

    private sealed class RefusingConnections : IMailTransport
    {
        public string Name => "refusing";

        public Task<IMailSession> OpenAsync(CancellationToken ct) =>
            throw new SmtpCommandException(SmtpErrorCode.UnexpectedStatusCode, SmtpStatusCode.TransactionFailed, "554 no service for you");
    }

    [Fact]
    public async Task A_server_refusing_the_connection_even_with_5xx_keeps_the_message_waiting()
    {
        await using var app = await StartAsync(new RefusingConnections());
        var evt = new UserDeleted(Guid.NewGuid(), "waiting@example.com");

        await app.PublishAsync(evt);

        var email = await app.EmailForAsync(evt.Id, e => e.Attempts >= 2);
        email.Status.ShouldBe(EmailStatus.Pending);
        email.LastError.ShouldNotBeNull().ShouldContain("554");
    }

    [Fact]
    public async Task Backoff_doubles_per_attempt_and_stops_growing_at_the_maximum()
    {
        await using var app = await TestApp.StartAsync(MailTestKit.Settings(("NOTIFICATIONS_RETRY_BASE", "10s"), ("NOTIFICATIONS_RETRY_MAX", "15m")));
        var sender = app.Services.GetRequiredService<EmailSender>();

        sender.Backoff(1).TotalSeconds.ShouldBeInRange(8, 12);
        sender.Backoff(2).TotalSeconds.ShouldBeInRange(16, 24);
        sender.Backoff(4).TotalSeconds.ShouldBeInRange(64, 96);
        sender.Backoff(40).TotalMinutes.ShouldBeInRange(12, 18);
    }
}
