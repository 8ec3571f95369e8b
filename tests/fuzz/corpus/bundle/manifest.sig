{"alg": "EdDSA", "kid": "ef1bd9c792ccc768", "sig": "euLXZJ9lH-nFgbg1cfxN680o2VKalzVzMPw3YnTmLuTVBg0QYcurH7ZppAslK0nzEKy4TPpFR-iKlggD2M4vDA"}
