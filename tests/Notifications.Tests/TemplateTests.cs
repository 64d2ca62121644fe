using Microsoft.Extensions.Configuration;
using MySaasChat.Contracts;
using MySaasChat.Modules.Notifications;
using MySaasChat.Modules.Notifications.Domain;

namespace MySaasChat.Notifications.Tests;

public sealed class TemplateTests
{
    private static readonly EmailTemplates Templates = new(MailSettings.Load(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FRONTEND_URL"] = "https://chat.example.test/",
            ["SMTP_FROM_NAME"] = "Acme Chat",
        }).Build(), "/tmp"));

    private static readonly Guid User = Guid.NewGuid();

    public static TheoryData<string, string, string?> Cases => new()
    {
        // template, subject, the link the email must carry (null: none)
        { EmailTemplates.VerifyEmail, "Verify your email address for Acme Chat", "https://chat.example.test/verify-email?token=t1" },
        { EmailTemplates.ResetPassword, "Reset your Acme Chat password", "https://chat.example.test/reset-password?token=t2" },
        { EmailTemplates.NewSignIn, "New sign-in to your Acme Chat account", "https://chat.example.test/settings/security" },
        { EmailTemplates.TwoFactorEnabled, "Two-factor authentication is on for your Acme Chat account", "https://chat.example.test/settings/security" },
        { EmailTemplates.TwoFactorDisabled, "Two-factor authentication was turned off for your Acme Chat account", "https://chat.example.test/settings/security" },
        { EmailTemplates.AccountDeleted, "Your Acme Chat account has been deleted", null },
        { EmailTemplates.PaymentReceipt, "Your Acme Chat receipt (19.00 USD)", "https://pay.example.test/receipt/1" },
        { EmailTemplates.PaymentFailed, "Your Acme Chat payment of 2,500 JPY failed", "https://chat.example.test/settings/billing" },
        { EmailTemplates.Quota80, "You have used 80% of your Acme Chat tokens quota", "https://chat.example.test/settings/billing" },
        { EmailTemplates.Quota100, "You have used all of your Acme Chat tokens quota", "https://chat.example.test/settings/billing" },
    };

    public static RenderedEmail Render(string template) => template switch
    {
        EmailTemplates.VerifyEmail => Templates.Render(new EmailVerificationRequested(User, "u@example.com", "Uma", "t1")),
        EmailTemplates.ResetPassword => Templates.Render(new PasswordResetRequested(User, "u@example.com", "Uma", "t2")),
        EmailTemplates.NewSignIn => Templates.Render(new UserSignedIn(User, "u@example.com", Guid.NewGuid(), "Chrome on Windows", "192.0.2.1", true)),
        EmailTemplates.TwoFactorEnabled => Templates.Render(new TwoFactorChanged(User, "u@example.com", "Uma", true)),
        EmailTemplates.TwoFactorDisabled => Templates.Render(new TwoFactorChanged(User, "u@example.com", "Uma", false)),
        EmailTemplates.AccountDeleted => Templates.Render(new UserDeleted(User, "u@example.com")),
        EmailTemplates.PaymentReceipt => Templates.Render(new PaymentSucceeded(User, "u@example.com", "Uma", "in_1", 1900, "usd", "Pro plan, monthly", DateTimeOffset.UtcNow, "https://pay.example.test/receipt/1")),
        EmailTemplates.PaymentFailed => Templates.Render(new PaymentFailed(User, "u@example.com", "Uma", "in_2", 2500, "JPY", "Pro plan", "card_declined", DateTimeOffset.UtcNow.AddDays(3))),
        EmailTemplates.Quota80 => Templates.Render(new QuotaThresholdReached(User, "u@example.com", "Uma", 80, 80_000, 100_000, "tokens", "Free", null)),
        EmailTemplates.Quota100 => Templates.Render(new QuotaThresholdReached(User, "u@example.com", "Uma", 100, 100_000, 100_000, "tokens", "Free", DateTimeOffset.UtcNow.AddDays(5))),
        _ => throw new ArgumentOutOfRangeException(nameof(template)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_template_has_its_subject_both_parts_the_product_name_and_its_link(string template, string subject, string? link)
    {
        var email = Render(template);

        email.Template.ShouldBe(template);
        email.Subject.ShouldBe(subject);
        email.ToAddress.ShouldBe("u@example.com");
        email.Html.ShouldStartWith("<!DOCTYPE html>");
        email.Html.ShouldContain("Acme Chat");
        email.Text.ShouldContain("Acme Chat");
        email.Text.ShouldNotContain("<");
        if (link is not null)
        {
            email.Text.ShouldContain(link);
            email.Html.ShouldContain($"href=\"{link}\"");
        }
    }

    [Fact]
    public void Receipt_link_from_the_event_is_used_only_when_it_is_a_web_address()
    {
        var email = Templates.Render(new PaymentSucceeded(User, "u@example.com", "Uma", "in_3", 500, "EUR", "Pro", DateTimeOffset.UtcNow, "javascript:alert(1)"));

        email.Html.ShouldNotContain("javascript:");
        email.Html.ShouldContain("href=\"https://chat.example.test/settings/billing\"");
        email.Text.ShouldContain("5.00 EUR");
    }

    [Fact]
    public void A_name_with_line_breaks_stays_on_one_line()
    {
        var email = Templates.Render(new EmailVerificationRequested(User, "u@example.com", "Uma\r\nBcc: victim@example.com", "t"));

        email.ToName.ShouldBe("Uma Bcc: victim@example.com");
        email.Text.ShouldContain("Hi Uma Bcc: victim@example.com,");
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("a@")]
    [InlineData("@b.com")]
    [InlineData("Someone <x@example.com>")]
    [InlineData("x@example.com, y@example.com")]
    public void Anything_but_one_bare_address_is_refused(string address)
    {
        Should.Throw<UnsendableEmailException>(() => Templates.Render(new UserDeleted(User, address)));
    }

    [Fact]
    public void A_quota_event_without_a_limit_is_refused()
    {
        Should.Throw<UnsendableEmailException>(() =>
            Templates.Render(new QuotaThresholdReached(User, "u@example.com", "Uma", 80, 10, 0, "tokens", "Free", null)));
    }
}
