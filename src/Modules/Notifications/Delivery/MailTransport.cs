using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace MySaasChat.Modules.Notifications.Delivery;

/// <summary>Where email goes: an SMTP server, or files on the embedded default.</summary>
public interface IMailTransport
{
    string Name { get; }

    /// <summary>Opens a connection that sends one or more messages.</summary>
    Task<IMailSession> OpenAsync(CancellationToken ct);
}

public interface IMailSession : IAsyncDisposable
{
    /// <summary>Returns once the server accepted the message; throws otherwise (see <see cref="DeliveryFailure"/>).</summary>
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>Sends through an SMTP server with MailKit.</summary>
public sealed class SmtpMailTransport(SmtpSettings smtp) : IMailTransport
{
    public string Name => "smtp";

    public async Task<IMailSession> OpenAsync(CancellationToken ct)
    {
        var client = new SmtpClient { Timeout = (int)Math.Min(int.MaxValue, smtp.Timeout.TotalMilliseconds) };
        try
        {
            await ConnectAsync(client, smtp, ct);
            return new Session(client);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Connects (the EHLO is part of it) and signs in when a user is set.</summary>
    public static async Task ConnectAsync(SmtpClient client, SmtpSettings smtp, CancellationToken ct)
    {
        // SMTP_SECURE=true: TLS from the first byte (port 465); otherwise STARTTLS whenever the server offers it.
        var tls = smtp.Secure ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable;
        await client.ConnectAsync(smtp.Host, smtp.Port, tls, ct);
        if (smtp.User is not null)
        {
            await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", ct);
        }
    }

    private sealed class Session(SmtpClient client) : IMailSession
    {
        public async Task SendAsync(MimeMessage message, CancellationToken ct) => await client.SendAsync(message, ct);

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await client.DisconnectAsync(true, quit.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or MailKit.Net.Smtp.SmtpProtocolException or OperationCanceledException or ServiceNotConnectedException or System.Net.Sockets.SocketException)
            {
                // The message was already accepted or failed; a lost QUIT changes nothing.
            }
            client.Dispose();
        }
    }
}

/// <summary>The embedded default: each message becomes an .eml file under DATA_DIR/mail.</summary>
public sealed class FileMailTransport(MailSettings settings, ILogger<FileMailTransport> logger) : IMailTransport
{
    public string Name => "file";

    public Task<IMailSession> OpenAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(settings.MailDirectory);
        return Task.FromResult<IMailSession>(new Session(settings.MailDirectory, logger));
    }

    private sealed class Session(string directory, ILogger logger) : IMailSession
    {
        public async Task SendAsync(MimeMessage message, CancellationToken ct)
        {
            // The name comes from the message id, so sending a message again overwrites its file instead of adding one.
            var template = message.Headers[EmailSender.TemplateHeader] ?? "email";
            var id = message.MessageId?.Split('@')[0] ?? Guid.NewGuid().ToString("N");
            var path = Path.Combine(directory, $"{message.Date.UtcDateTime:yyyyMMdd-HHmmss}-{template}-{id}.eml");
            var temp = path + ".tmp";
            await message.WriteToAsync(temp, ct);
            File.Move(temp, path, overwrite: true);
            logger.LogInformation("Email {Template} to {To} written to {Path}", template, message.To.ToString(), path);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
