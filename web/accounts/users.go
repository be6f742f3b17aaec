package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/sillage/sillage/migrations/storage"
)

// Errors of the accounts; their messages are safe to show.
var (
	ErrBadCredentials = errors.New("unknown email or wrong password")
	ErrBadEmail       = errors.New("email must be an address such as name@example.com")
	ErrBadPassword    = errors.New("password must be at least 10 characters and at most 72 bytes")
	ErrEmailTaken     = errors.New("an account with this email already exists")
	ErrSetupDone      = errors.New("an account already exists: sign in instead")
	ErrNoUser         = errors.New("user not found")
)

// DefaultCost is the bcrypt cost of stored passwords: about a quarter of
// a second per sign-in on a server core, which is what makes a stolen
// hash expensive to guess.
const DefaultCost = 12

// Password lengths: bcrypt reads at most 72 bytes, and a longer password
// would be silently cut, so it is refused instead.
const (
	minPassword = 10 // characters
	maxPassword = 72 // bytes
)

// User is a marketer's account as stored: never the password.
type User struct {
	ID        int64
	Email     string
	CreatedAt time.Time
}

// Users stores the marketers' accounts, their passwords hashed with bcrypt.
type Users struct {
	db   *storage.DB
	now  func() time.Time
	cost int

	dummyOnce sync.Once
	dummy     []byte // a hash to compare against when the email is unknown
}

// NewUsers returns a Users on db hashing passwords at cost (0:
// DefaultCost; tests pass bcrypt.MinCost).
func NewUsers(db *storage.DB, now func() time.Time, cost int) *Users {
	if cost == 0 {
		cost = DefaultCost
	}
	return &Users{db: db, now: now, cost: cost}
}

// Create makes an account. It returns ErrBadEmail, ErrBadPassword or
// ErrEmailTaken.
func (u *Users) Create(ctx context.Context, email, password string) (User, error) {
	return u.create(ctx, email, password, nil)
}

// CreateFirst makes the first account, and only while there is none and
// with a setup code from NewSetupCode: the setup page's use case. The
// codes are spent once it succeeds. It returns ErrSetupDone once an
// account exists, ErrSetupCode for a wrong or expired code, and Create's
// errors.
func (u *Users) CreateFirst(ctx context.Context, code, email, password string) (User, error) {
	// Checked before the password is hashed: a guess costs no bcrypt.
	if n, err := u.Count(ctx); err != nil || n > 0 {
		if err == nil {
			err = ErrSetupDone
		}
		return User{}, err
	}
	if err := u.checkSetupCode(ctx, u.db.Read, code); err != nil {
		return User{}, err
	}
	return u.create(ctx, email, password, &code)
}

// create makes an account; with firstCode, only while there is none and
// while that setup code holds.
func (u *Users) create(ctx context.Context, email, password string, firstCode *string) (User, error) {
	first := firstCode != nil
	email, ok := normalEmail(email)
	if !ok {
		return User{}, ErrBadEmail
	}
	if utf8.RuneCountInString(password) < minPassword || len(password) > maxPassword || !utf8.ValidString(password) {
		return User{}, ErrBadPassword
	}
	// Hashing takes a quarter of a second: before the transaction, so that
	// the single writer is not held meanwhile.
	hash, err := bcrypt.GenerateFromPassword([]byte(password), u.cost)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	tx, err := u.db.Write.BeginTx(ctx, nil)
	if err != nil {
		return User{}, err
	}
	defer tx.Rollback()
	if err := lockUsers(ctx, u.db.Dialect, tx); err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	if first {
		n, err := countTx(ctx, tx)
		if err != nil {
			return User{}, err
		}
		if n > 0 {
			return User{}, ErrSetupDone
		}
		if err := u.checkSetupCode(ctx, tx, *firstCode); err != nil {
			return User{}, err
		}
	}
	var taken int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email = $1`, email).Scan(&taken); err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	if taken > 0 {
		return User{}, ErrEmailTaken
	}
	user := User{Email: email, CreatedAt: u.now().UTC()}
	err = tx.QueryRowContext(ctx, `INSERT INTO users (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id`,
		email, hash, user.CreatedAt.UnixMilli()).Scan(&user.ID)
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	// Any account closes the setup page: its codes are dead.
	if err := storage.DeleteSettings(ctx, tx, setupCodePrefix); err != nil {
		return User{}, err
	}
	if err := tx.Commit(); err != nil {
		return User{}, err
	}
	return user, nil
}

// lockUsers makes the checks and the insert of an account one step, as
// SQLite's single writer does, so that two instances cannot both make the
// first account, nor both pass the email check and meet the unique
// constraint. On PostgreSQL it takes a lock on users that account
// writers queue for (readers do not); each statement after it reads what
// the one before committed.
func lockUsers(ctx context.Context, d storage.Dialect, tx *sql.Tx) error {
	if d != storage.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`)
	return err
}

// Authenticate returns the account of email if password is its password,
// or ErrBadCredentials. It takes the same time whether or not the email
// has an account, so that timing does not tell which addresses do.
func (u *Users) Authenticate(ctx context.Context, email, password string) (User, error) {
	var (
		user    User
		hash    []byte
		created int64
	)
	email, _ = normalEmail(email)
	err := u.db.Read.QueryRowContext(ctx, `SELECT id, email, password_hash, created_at FROM users WHERE email = $1`,
		email).Scan(&user.ID, &user.Email, &hash, &created)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("authenticate: %w", err)
	}
	if err != nil {
		hash = u.dummyHash()
	}
	// A password longer than bcrypt reads could never have been set: compare
	// anyway, for the time, and refuse.
	if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || err != nil || len(password) > maxPassword {
		return User{}, ErrBadCredentials
	}
	user.CreatedAt = time.UnixMilli(created).UTC()
	return user, nil
}

// dummyHash is a hash at the store's cost of no one's password, made once.
func (u *Users) dummyHash() []byte {
	u.dummyOnce.Do(func() {
		u.dummy, _ = bcrypt.GenerateFromPassword([]byte("no account has this password"), u.cost)
	})
	return u.dummy
}

// Find returns the account id, or ErrNoUser.
func (u *Users) Find(ctx context.Context, id int64) (User, error) {
	var (
		user    User
		created int64
	)
	err := u.db.Read.QueryRowContext(ctx, `SELECT id, email, created_at FROM users WHERE id = $1`, id).
		Scan(&user.ID, &user.Email, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNoUser
	}
	if err != nil {
		return User{}, fmt.Errorf("find user %d: %w", id, err)
	}
	user.CreatedAt = time.UnixMilli(created).UTC()
	return user, nil
}

// Count returns how many accounts exist.
func (u *Users) Count(ctx context.Context) (int, error) {
	return countTx(ctx, u.db.Read)
}

func countTx(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// normalEmail trims and lower-cases an address and reports whether it is
// a plain address (no display name, no comment).
func normalEmail(email string) (string, bool) {
	email = strings.ToLower(strings.TrimSpace(email))
	if email == "" || len(email) > 254 || !utf8.ValidString(email) {
		return email, false
	}
	a, err := mail.ParseAddress(email)
	return email, err == nil && a.Address == email && a.Name == ""
}
